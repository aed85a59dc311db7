// The typed field-mask paths of NAME.fields.h: each accessor spells exactly the
// proto path, and the masks they make are the ones the server accepts.
#include <string>
#include <type_traits>

#include <catch2/catch.hpp>

#include "twirpcpp/field_mask.h"
#include "twirpcpp/plugin/masks/v1/masks.fields.h"
#include "twirpcpp/plugin/masks/v1/masks.pb.h"
#include "twirpcpp/plugin/names/v1/names.fields.h"
#include "twirpcpp/plugin/wkt/v1/wkt.fields.h"

namespace {

namespace common = ::twirpcpp::plugin::common::v1;
namespace masks = ::twirpcpp::plugin::masks::v1;
namespace names = ::twirpcpp::plugin::names::v1;
namespace wkt = ::twirpcpp::plugin::wkt::v1;

std::string PathOf(const ::twirp::FieldPath& path) { return path.path; }

// Leaves are FieldPaths; message fields are nodes of their message's Paths class.
static_assert(std::is_same_v<decltype(masks::BookPaths().title()), ::twirp::FieldPath>);
static_assert(std::is_same_v<decltype(masks::BookPaths().genre()), ::twirp::FieldPath>);
static_assert(std::is_same_v<decltype(masks::BookPaths().published_at()), ::twirp::FieldPath>);
static_assert(
    std::is_same_v<decltype(masks::GetShelfResponsePaths().counts_by_genre()), ::twirp::FieldPath>);
static_assert(std::is_same_v<decltype(masks::BookPaths().author()), masks::Book_AuthorPaths>);
static_assert(std::is_same_v<decltype(masks::BookPaths().sequel()), masks::BookPaths>);
static_assert(std::is_same_v<decltype(masks::GetShelfResponsePaths().books()), masks::BookPaths>);
static_assert(std::is_same_v<decltype(masks::BookPaths().isbn()), common::IdPaths>);
static_assert(std::is_same_v<decltype(masks::ShelfPaths().location()), masks::Shelf_LocationPaths>);
// A message already named ClashesPaths keeps its protoc class; Clashes' paths give way.
static_assert(std::is_same_v<decltype(masks::ClashesPaths_().paths()), masks::ClashesPathsPaths>);
static_assert(std::is_convertible_v<masks::BookPaths, ::twirp::FieldPath>);

}  // namespace

TEST_CASE("typed paths spell the proto field names, through nested and repeated messages") {
  const masks::GetShelfResponsePaths r;
  CHECK(PathOf(r.shelf().name()) == "shelf.name");
  CHECK(PathOf(r.shelf().location().floor()) == "shelf.location.floor");
  CHECK(PathOf(r.books().title()) == "books.title");
  CHECK(PathOf(r.books().author().name()) == "books.author.name");
  CHECK(PathOf(r.books().published_at()) == "books.published_at");
  CHECK(PathOf(r.counts_by_genre()) == "counts_by_genre");
}

TEST_CASE("a node converts to the path of the whole field; the root to the empty path") {
  const masks::GetShelfResponsePaths r;
  CHECK(PathOf(r.shelf()) == "shelf");
  CHECK(PathOf(r.books().author()) == "books.author");
  CHECK(PathOf(r) == "");
}

TEST_CASE("typed paths cross files and follow recursive messages") {
  const masks::GetShelfResponsePaths r;
  CHECK(PathOf(r.next_page().token()) == "next_page.token");
  CHECK(PathOf(r.books().isbn().value()) == "books.isbn.value");
  CHECK(PathOf(r.books().sequel().sequel().title()) == "books.sequel.sequel.title");
  CHECK(PathOf(r.books().related().author().best_known().title()) ==
        "books.related.author.best_known.title");
  CHECK(PathOf(masks::Book_AuthorPaths().best_known().author().name()) == "best_known.author.name");
}

TEST_CASE("typed paths of keyword and clashing field names use protoc's accessor names") {
  const masks::ClashesPaths_ c;
  CHECK(PathOf(c.class_()) == "class");
  CHECK(PathOf(c.path()) == "path");
  CHECK(PathOf(c.std()) == "std");
  CHECK(PathOf(c.paths().n()) == "paths.n");
  CHECK(PathOf(masks::MemberClashPaths().path_()) == "path_");
  CHECK(PathOf(names::namespace_Paths().new_()) == "new");
  CHECK(PathOf(names::class_Paths().this_()) == "this");
  CHECK(PathOf(wkt::Outer_InnerPaths()) == "");
}

TEST_CASE("MakeFieldMask keeps the typed paths in order, and FieldMask::Parse accepts them") {
  const masks::GetShelfResponsePaths r;
  const google::protobuf::FieldMask mask = ::twirp::MakeFieldMask(
      {r.books().title(), r.books().author().name(), r.shelf(), r.next_page().token(),
       r.counts_by_genre(), r.books().sequel().published_at()});
  REQUIRE(mask.paths_size() == 6);
  CHECK(mask.paths(0) == "books.title");
  CHECK(mask.paths(1) == "books.author.name");
  CHECK(mask.paths(2) == "shelf");
  CHECK(mask.paths(3) == "next_page.token");
  CHECK(mask.paths(4) == "counts_by_genre");
  CHECK(mask.paths(5) == "books.sequel.published_at");

  auto parsed = ::twirp::FieldMask::Parse(mask, masks::GetShelfResponse::descriptor(), "fields");
  REQUIRE(parsed.ok());
  CHECK(parsed->Includes("books.author"));
  CHECK(parsed->Includes("shelf.location.floor"));
  CHECK_FALSE(parsed->Includes("books.genre"));
}
