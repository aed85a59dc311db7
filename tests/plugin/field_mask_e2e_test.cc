// A server built from generated code with the (twirpcpp.field_mask) option, over
// loopback: the handler gets the parsed mask, the response is trimmed to it, a bad
// path never reaches the handler (field-masks.md, "What the server does"; errors
// as in wire-protocol.md §4).
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <catch2/catch.hpp>

#include "raw_http_client.h"
#include "twirpcpp/error.h"
#include "twirpcpp/field_mask.h"
#include "twirpcpp/plugin/masks/v1/masks.twirp.h"

namespace {

namespace masks = ::twirpcpp::plugin::masks::v1;
using namespace std::chrono_literals;
using google::protobuf::util::MessageDifferencer;

masks::GetShelfResponse FullShelf() {
  masks::GetShelfResponse response;
  response.mutable_shelf()->set_name("Science fiction");
  response.mutable_shelf()->mutable_location()->set_floor(2);
  response.mutable_shelf()->mutable_location()->set_room("B");
  for (const auto& [title, author] :
       {std::pair{"Dune", "Frank Herbert"}, std::pair{"Solaris", "Stanislaw Lem"}}) {
    masks::Book* book = response.add_books();
    book->set_title(title);
    book->mutable_author()->set_name(author);
    book->mutable_published_at()->set_seconds(1);
    book->set_genre(masks::GENRE_FICTION);
    book->mutable_isbn()->set_value(std::string(title) + "-isbn");
  }
  response.mutable_next_page()->set_token("next");
  (*response.mutable_counts_by_genre())["fiction"] = 2;
  return response;
}

// What the handlers saw, written on the server's threads.
struct Calls {
  std::mutex mutex;
  int count = 0;
  std::optional<::twirp::FieldMask> last_mask;

  void Record(const ::twirp::FieldMask* mask) {
    std::lock_guard lock(mutex);
    ++count;
    if (mask != nullptr) last_mask = *mask;
  }
  int Count() {
    std::lock_guard lock(mutex);
    return count;
  }
  std::optional<::twirp::FieldMask> LastMask() {
    std::lock_guard lock(mutex);
    return last_mask;
  }
};

class Library final : public masks::Library {
 public:
  explicit Library(std::shared_ptr<Calls> calls) : calls_(std::move(calls)) {}
  ::twirp::Awaitable<::twirp::Result<masks::GetShelfResponse>> GetShelf(
      ::twirp::Context&, const masks::GetShelfRequest&, const ::twirp::FieldMask& mask) override {
    calls_->Record(&mask);
    co_return FullShelf();
  }
  ::twirp::Awaitable<::twirp::Result<masks::GetShelfResponse>> PeekShelf(
      ::twirp::Context&, const masks::GetShelfRequest&) override {
    calls_->Record(nullptr);
    co_return FullShelf();
  }

 private:
  std::shared_ptr<Calls> calls_;
};

class BlockingLibrary final : public masks::LibraryBlocking {
 public:
  explicit BlockingLibrary(std::shared_ptr<Calls> calls) : calls_(std::move(calls)) {}
  ::twirp::Result<masks::GetShelfResponse> GetShelf(::twirp::Context&,
                                                    const masks::GetShelfRequest&,
                                                    const ::twirp::FieldMask& mask) override {
    calls_->Record(&mask);
    return FullShelf();
  }
  ::twirp::Result<masks::GetShelfResponse> PeekShelf(::twirp::Context&,
                                                     const masks::GetShelfRequest&) override {
    calls_->Record(nullptr);
    return FullShelf();
  }

 private:
  std::shared_ptr<Calls> calls_;
};

// A Library server on 127.0.0.1:0 (coroutine or blocking handlers) whose error hook
// records the codes it sees.
class Fixture {
 public:
  explicit Fixture(bool blocking = false) : server_(Options()) {
    if (blocking) {
      masks::RegisterLibrary(server_, std::make_shared<BlockingLibrary>(calls_));
    } else {
      masks::RegisterLibrary(server_, std::make_shared<Library>(calls_));
    }
    if (auto ec = server_.Listen("127.0.0.1", 0)) throw std::runtime_error(ec.message());
    server_.Start();
  }
  ~Fixture() { server_.Shutdown(0ms); }

  masks::LibraryClient NewClient(::twirp::Encoding encoding = ::twirp::Encoding::kProtobuf) {
    ::twirp::ClientOptions options;
    options.encoding = encoding;
    auto client = ::twirp::Client::Create("127.0.0.1:" + std::to_string(server_.port()), options);
    REQUIRE(client.ok());
    return masks::LibraryClient(*client);
  }

  std::uint16_t port() const { return server_.port(); }
  Calls& calls() { return *calls_; }
  std::vector<::twirp::ErrorCode> hook_errors() {
    std::lock_guard lock(hook_mutex_);
    return hook_errors_;
  }

 private:
  ::twirp::ServerOptions Options() {
    ::twirp::ServerOptions options;
    options.hooks.error = [this](::twirp::Context&, const ::twirp::Error& error) {
      std::lock_guard lock(hook_mutex_);
      hook_errors_.push_back(error.code());
    };
    return options;
  }

  std::shared_ptr<Calls> calls_ = std::make_shared<Calls>();
  std::mutex hook_mutex_;
  std::vector<::twirp::ErrorCode> hook_errors_;
  ::twirp::Server server_;
};

::twirp::CallOptions Bounded() { return ::twirp::CallOptions{}.WithTimeout(5s); }

masks::GetShelfRequest RequestWithMask(std::initializer_list<::twirp::FieldPath> paths) {
  masks::GetShelfRequest request;
  request.set_shelf_id("sf");
  *request.mutable_fields() = ::twirp::MakeFieldMask(paths);
  return request;
}

// FullShelf() with only the books' titles and authors' names.
masks::GetShelfResponse TitlesAndAuthors() {
  const masks::GetShelfResponse full = FullShelf();
  masks::GetShelfResponse expected;
  for (const masks::Book& book : full.books()) {
    masks::Book* trimmed = expected.add_books();
    trimmed->set_title(book.title());
    trimmed->mutable_author()->set_name(book.author().name());
  }
  return expected;
}

void CheckEqual(const masks::GetShelfResponse& actual, const masks::GetShelfResponse& expected) {
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  CHECK(differencer.Compare(expected, actual));
  CHECK(diff == "");
}

}  // namespace

TEST_CASE("field mask: the handler gets the parsed mask and the response is trimmed to it") {
  for (bool blocking : {false, true}) {
    INFO("blocking handlers: " << blocking);
    Fixture fixture(blocking);
    masks::LibraryClient client = fixture.NewClient();
    const masks::GetShelfResponsePaths r;
    auto result = client.GetShelfBlocking(
        RequestWithMask({r.books().title(), r.books().author().name()}), Bounded());
    REQUIRE(result.ok());
    CheckEqual(*result, TitlesAndAuthors());
    REQUIRE(fixture.calls().Count() == 1);
    std::optional<::twirp::FieldMask> mask = fixture.calls().LastMask();
    REQUIRE(mask.has_value());
    CHECK(mask->ToString() == "books.author.name,books.title");
    CHECK(mask->Includes("books.author"));
    CHECK_FALSE(mask->Includes("shelf"));
  }
}

TEST_CASE("field mask: a node path keeps the whole field; maps and well-known types as leaves") {
  Fixture fixture;
  masks::LibraryClient client = fixture.NewClient();
  const masks::GetShelfResponsePaths r;
  auto result = client.GetShelfBlocking(
      RequestWithMask({r.shelf(), r.counts_by_genre(), r.books().published_at()}), Bounded());
  REQUIRE(result.ok());
  masks::GetShelfResponse expected = FullShelf();
  expected.clear_next_page();
  for (masks::Book& book : *expected.mutable_books()) {
    const google::protobuf::Timestamp published_at = book.published_at();
    book.Clear();
    *book.mutable_published_at() = published_at;
  }
  CheckEqual(*result, expected);
}

TEST_CASE("field mask: no mask (or an empty one) means the whole response") {
  Fixture fixture;
  masks::LibraryClient client = fixture.NewClient();
  masks::GetShelfRequest request;
  request.set_shelf_id("sf");
  auto absent = client.GetShelfBlocking(request, Bounded());
  REQUIRE(absent.ok());
  CheckEqual(*absent, FullShelf());
  request.mutable_fields();  // present, no paths
  auto empty = client.GetShelfBlocking(request, Bounded());
  REQUIRE(empty.ok());
  CheckEqual(*empty, FullShelf());
  std::optional<::twirp::FieldMask> mask = fixture.calls().LastMask();
  REQUIRE(mask.has_value());
  CHECK(mask->covers_all());
}

TEST_CASE(
    "§4.1 field mask: a path that names no field is invalid_argument, argument=fields, "
    "and the handler is not called") {
  Fixture fixture;
  masks::LibraryClient client = fixture.NewClient();
  masks::GetShelfRequest request;
  request.mutable_fields()->add_paths("books.bogus");
  auto result = client.GetShelfBlocking(request, Bounded());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ::twirp::ErrorCode::kInvalidArgument);
  CHECK(result.error().meta("argument") == "fields");
  CHECK_THAT(result.error().msg(), Catch::Contains("\"books.bogus\""));
  CHECK(fixture.calls().Count() == 0);
  // Answered through the normal error path: the error hook saw it.
  CHECK(fixture.hook_errors() == std::vector{::twirp::ErrorCode::kInvalidArgument});

  // A path into a map is refused as well: maps are selected whole.
  masks::GetShelfRequest into_map;
  into_map.mutable_fields()->add_paths("counts_by_genre.fiction");
  auto map_result = client.GetShelfBlocking(into_map, Bounded());
  REQUIRE_FALSE(map_result.ok());
  CHECK(map_result.error().code() == ::twirp::ErrorCode::kInvalidArgument);
  CHECK(fixture.calls().Count() == 0);
}

TEST_CASE("field mask: a method without the option is neither validated nor trimmed") {
  Fixture fixture;
  masks::LibraryClient client = fixture.NewClient();
  masks::GetShelfRequest request;
  request.mutable_fields()->add_paths("books.bogus");
  auto result = client.PeekShelfBlocking(request, Bounded());
  REQUIRE(result.ok());
  CheckEqual(*result, FullShelf());
}

TEST_CASE(
    "§3.1 field mask: the JSON client sends the mask in its string form and gets the "
    "trimmed response") {
  Fixture fixture;
  masks::LibraryClient client = fixture.NewClient(::twirp::Encoding::kJson);
  const masks::GetShelfResponsePaths r;
  // published_at travels as "books.publishedAt" and must arrive as the proto name.
  auto result = client.GetShelfBlocking(
      RequestWithMask({r.books().title(), r.books().author().name(), r.books().published_at()}),
      Bounded());
  REQUIRE(result.ok());
  const masks::GetShelfResponse full = FullShelf();
  masks::GetShelfResponse expected = TitlesAndAuthors();
  for (int i = 0; i < expected.books_size(); ++i) {
    *expected.mutable_books(i)->mutable_published_at() = full.books(i).published_at();
  }
  CheckEqual(*result, expected);
  std::optional<::twirp::FieldMask> mask = fixture.calls().LastMask();
  REQUIRE(mask.has_value());
  CHECK(mask->ToString() == "books.author.name,books.published_at,books.title");
}

TEST_CASE(
    "§3.1 field mask: a raw JSON request with {\"fields\":\"a.b,c\"} is trimmed; a bad "
    "path is invalid_argument") {
  Fixture fixture;
  const std::string target = "/twirp/twirpcpp.plugin.masks.v1.Library/GetShelf";

  auto ok = ::twirp::testing::RoundTrip(
      fixture.port(), ::twirp::testing::PostRequest(
                          target, "application/json",
                          R"({"shelf_id":"sf","fields":"books.title,books.author.name"})"));
  REQUIRE(ok.has_value());
  REQUIRE(ok->status == 200);
  masks::GetShelfResponse decoded;
  REQUIRE(google::protobuf::util::JsonStringToMessage(ok->body, &decoded).ok());
  CheckEqual(decoded, TitlesAndAuthors());

  auto bad = ::twirp::testing::RoundTrip(
      fixture.port(), ::twirp::testing::PostRequest(target, "application/json",
                                                    R"({"fields":"books.title,shelf.bogus"})"));
  REQUIRE(bad.has_value());
  CHECK(bad->status == 400);
  CHECK_THAT(bad->body, Catch::Contains(R"("code":"invalid_argument")"));
  CHECK_THAT(bad->body, Catch::Contains(R"("argument":"fields")"));
  CHECK(fixture.calls().Count() == 1);
}
