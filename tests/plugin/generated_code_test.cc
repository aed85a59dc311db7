// The generated API as users see it: the names and signatures every other part of
// twirpcpp relies on (wire-protocol.md §1.1, §1.7, §1.9, §8.2, §8.5). Mostly checked at
// compile time; the handler classes below must implement every pure virtual.
#include <memory>
#include <string_view>
#include <type_traits>

#include <catch2/catch.hpp>

#include "no_package.twirp.h"
#include "twirpcpp/plugin/legacy/v1/legacy.twirp.h"
#include "twirpcpp/plugin/multi/v1/multi.twirp.h"
#include "twirpcpp/plugin/names/v1/names.twirp.h"
#include "twirpcpp/plugin/optional/v1/optional.twirp.h"
#include "twirpcpp/plugin/wkt/v1/wkt.twirp.h"
#include "twitch/twirp/example/haberdasher.twirp.h"

namespace {

namespace example = ::twitch::twirp::example;
namespace names = ::twirpcpp::plugin::names::v1;
namespace wkt = ::twirpcpp::plugin::wkt::v1;

// A coroutine handler for every method: compiles only if the generated interface
// declares exactly these signatures (names CamelCased, keywords and clashes renamed).
class NamesHandler final : public names::HaberdasherV1 {
 public:
  using Result = ::twirp::Awaitable<::twirp::Result<names::class_>>;
  Result MakeHatV1(::twirp::Context&, const names::namespace_&) override {
    co_return names::class_();
  }
  Result MakeHat_V2(::twirp::Context&, const names::namespace_&) override {
    co_return names::class_();
  }
  Result Get2Fa(::twirp::Context&, const names::namespace_&) override { co_return names::class_(); }
  Result Delete(::twirp::Context&, const names::namespace_&) override { co_return names::class_(); }
  Result DeleteBlocking(::twirp::Context&, const names::namespace_&) override {
    co_return names::class_();
  }
  Result XPrivate(::twirp::Context&, const names::namespace_&) override {
    co_return names::class_();
  }
};

class LedgerHandler final : public names::LedgerBlocking {
 public:
  ::twirp::Result<names::class_> Ledger_(::twirp::Context&, const names::namespace_&) override {
    return names::class_();
  }
};

// Well-known types and nested messages as requests and responses.
class ClockHandler final : public wkt::ClockBlocking {
 public:
  ::twirp::Result<::google::protobuf::Timestamp> Now(::twirp::Context&,
                                                     const ::google::protobuf::Empty&) override {
    return ::google::protobuf::Timestamp();
  }
  ::twirp::Result<::google::protobuf::Empty> Reset(::twirp::Context&,
                                                   const ::google::protobuf::Timestamp&) override {
    return ::google::protobuf::Empty();
  }
  ::twirp::Result<wkt::Outer_Inner_Deepest> Schedule(::twirp::Context&,
                                                     const wkt::Outer_Inner&) override {
    return wkt::Outer_Inner_Deepest();
  }
};

static_assert(!std::is_abstract_v<NamesHandler>);
static_assert(!std::is_abstract_v<LedgerHandler>);
static_assert(!std::is_abstract_v<ClockHandler>);
static_assert(std::has_virtual_destructor_v<example::Haberdasher>);
static_assert(std::has_virtual_destructor_v<example::HaberdasherBlocking>);

// The client's blocking forms, including the one renamed for a clash.
static_assert(std::is_same_v<decltype(&names::HaberdasherV1Client::DeleteBlocking_),
                             ::twirp::Result<names::class_> (names::HaberdasherV1Client::*)(
                                 const names::namespace_&, ::twirp::CallOptions)>);
// The coroutine form takes its request by value: the awaitable owns it.
static_assert(
    std::is_same_v<decltype(&example::HaberdasherClient::MakeHat),
                   ::twirp::Awaitable<::twirp::Result<example::Hat>> (
                       example::HaberdasherClient::*)(example::Size, ::twirp::CallOptions)>);
// Code that calls the service can take the interface, and a test a fake of it.
static_assert(std::is_base_of_v<example::HaberdasherClientInterface, example::HaberdasherClient>);
static_assert(std::is_abstract_v<example::HaberdasherClientInterface>);
static_assert(std::has_virtual_destructor_v<example::HaberdasherClientInterface>);
static_assert(
    std::is_constructible_v<example::HaberdasherClient, std::shared_ptr<::twirp::Client>>);
static_assert(!std::is_convertible_v<std::shared_ptr<::twirp::Client>, example::HaberdasherClient>);

// Both Register overloads exist and a derived handler picks its own without ambiguity.
using RegisterAsync = void (*)(::twirp::Server&, std::shared_ptr<example::Haberdasher>);
using RegisterBlocking = void (*)(::twirp::Server&, std::shared_ptr<example::HaberdasherBlocking>);
static_assert(std::is_same_v<decltype(static_cast<RegisterAsync>(&example::RegisterHaberdasher)),
                             RegisterAsync>);
static_assert(std::is_same_v<decltype(static_cast<RegisterBlocking>(&example::RegisterHaberdasher)),
                             RegisterBlocking>);
static_assert(std::is_void_v<decltype(names::RegisterHaberdasherV1(
                  std::declval<::twirp::Server&>(), std::make_shared<NamesHandler>()))>);

}  // namespace

TEST_CASE("§1.1 §8.2 the Haberdasher's package, service name and path prefix match Go's") {
  STATIC_REQUIRE(example::Haberdasher::kPackageName == "twitch.twirp.example");
  STATIC_REQUIRE(example::Haberdasher::kServiceName == "Haberdasher");
  STATIC_REQUIRE(example::Haberdasher::kPathPrefix == "/twirp/twitch.twirp.example.Haberdasher/");
  STATIC_REQUIRE(example::Haberdasher::kMakeHatMethodName == "MakeHat");
}

TEST_CASE("§1.7 §1.9 §8.2 service and method constants are Go's CamelCase of the proto names") {
  STATIC_REQUIRE(names::HaberdasherV1::kServiceName == "HaberdasherV1");
  STATIC_REQUIRE(names::HaberdasherV1::kPathPrefix ==
                 "/twirp/twirpcpp.plugin.names.v1.HaberdasherV1/");
  STATIC_REQUIRE(names::HaberdasherV1::kMakeHatV1MethodName == "MakeHatV1");
  STATIC_REQUIRE(names::HaberdasherV1::kMakeHat_V2MethodName == "MakeHat_V2");
  STATIC_REQUIRE(names::HaberdasherV1::kGet2FaMethodName == "Get2Fa");
  STATIC_REQUIRE(names::HaberdasherV1::kDeleteMethodName == "Delete");
  STATIC_REQUIRE(names::HaberdasherV1::kXPrivateMethodName == "XPrivate");
  STATIC_REQUIRE(names::Ledger::kLedgerMethodName == "Ledger");
}

TEST_CASE(
    "§1.1 §8.5 a service without a package has an empty package and prefix /twirp/<Service>/") {
  STATIC_REQUIRE(::Echo::kPackageName.empty());
  STATIC_REQUIRE(::Echo::kServiceName == "Echo");
  STATIC_REQUIRE(::Echo::kPathPrefix == "/twirp/Echo/");
}

TEST_CASE("several services of one file, with types from another package, each get their names") {
  namespace multi = ::twirpcpp::plugin::multi::v1;
  STATIC_REQUIRE(multi::Users::kPathPrefix == "/twirp/twirpcpp.plugin.multi.v1.Users/");
  STATIC_REQUIRE(multi::Groups::kPathPrefix == "/twirp/twirpcpp.plugin.multi.v1.Groups/");
  STATIC_REQUIRE(multi::Empty::kPathPrefix == "/twirp/twirpcpp.plugin.multi.v1.Empty/");
  STATIC_REQUIRE(
      std::is_same_v<decltype(&multi::UsersClient::GetUserBlocking),
                     ::twirp::Result<multi::User> (multi::UsersClient::*)(
                         const ::twirpcpp::plugin::common::v1::Id&, ::twirp::CallOptions)>);
}

TEST_CASE("§8.4 proto2 and proto3-optional files generate the usual API") {
  STATIC_REQUIRE(::twirpcpp::plugin::legacy::v1::Archive::kFetchMethodName == "Fetch");
  STATIC_REQUIRE(::twirpcpp::plugin::optional::v1::Settings::kUpdateMethodName == "Update");
}
