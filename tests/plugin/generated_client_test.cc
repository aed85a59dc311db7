// Generated clients as code that calls a service uses them: over
// Server::InProcessTransport() (no socket), with calls stored or spawned and
// awaited after their request objects and the generated client are gone.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include "in_process.h"
#include "twirpcpp/error.h"
#include "twirpcpp/plugin/multi/v1/multi.twirp.h"
#include "twirpcpp/server.h"
#include "twitch/twirp/example/haberdasher.twirp.h"

namespace {

namespace example = ::twitch::twirp::example;
namespace net = boost::asio;
using ::twirp::testing::InProcess;
using ::twirp::testing::Run;

example::Hat HatOfSize(const example::Size& size) {
  example::Hat hat;
  hat.set_size(size.inches());
  hat.set_color("blue");
  hat.set_name("bowler");
  return hat;
}

// The Haberdasher of Go's example: too small a size is invalid_argument.
class HatMaker final : public example::Haberdasher {
 public:
  ::twirp::Awaitable<::twirp::Result<example::Hat>> MakeHat(::twirp::Context& ctx,
                                                            const example::Size& size) override {
    ++calls;
    last_method = std::string(ctx.method_name());
    if (size.inches() <= 0) {
      co_return ::twirp::InvalidArgumentError("inches", "I can't make a hat that small!");
    }
    co_return HatOfSize(size);
  }
  int calls = 0;
  std::string last_method;
};

class BlockingHatMaker final : public example::HaberdasherBlocking {
 public:
  ::twirp::Result<example::Hat> MakeHat(::twirp::Context&, const example::Size& size) override {
    return HatOfSize(size);
  }
};

}  // namespace

TEST_CASE("a generated client calls a server through its in-process transport without a socket") {
  net::io_context io;
  InProcess in_process(io);
  auto maker = std::make_shared<HatMaker>();
  example::RegisterHaberdasher(in_process.server, maker);
  in_process.server.Start();
  CHECK(in_process.server.port() == 0);  // never listened

  example::HaberdasherClient haberdasher(in_process.client);
  example::Size size;
  size.set_inches(12);
  auto hat = Run(io, haberdasher.MakeHat(size));
  REQUIRE(hat.ok());
  CHECK(hat->size() == 12);
  CHECK(hat->color() == "blue");
  CHECK(maker->calls == 1);
  CHECK(maker->last_method == "MakeHat");
  // The server counted it like any request.
  CHECK(in_process.server.metrics().RequestCount("twitch.twirp.example.Haberdasher", "MakeHat",
                                                 "ok") == 1);
}

TEST_CASE("the in-process transport carries a handler's error code and msg and meta (§4.1)") {
  net::io_context io;
  InProcess in_process(io, ::twirp::Encoding::kJson);
  example::RegisterHaberdasher(in_process.server, std::make_shared<HatMaker>());
  in_process.server.Start();
  example::HaberdasherClient haberdasher(in_process.client);

  auto hat = Run(io, haberdasher.MakeHat(example::Size()));
  REQUIRE_FALSE(hat.ok());
  CHECK(hat.error().code() == ::twirp::ErrorCode::kInvalidArgument);
  CHECK(hat.error().msg() == "inches I can't make a hat that small!");
  CHECK(hat.error().meta("argument") == "inches");
}

TEST_CASE("the in-process transport runs blocking handlers on the server's worker pool") {
  net::io_context io;
  InProcess in_process(io, ::twirp::Encoding::kJson);
  example::RegisterHaberdasher(in_process.server, std::make_shared<BlockingHatMaker>());
  in_process.server.Start();
  example::HaberdasherClient haberdasher(in_process.client);
  example::Size size;
  size.set_inches(7);
  auto hat = Run(io, haberdasher.MakeHat(size));
  REQUIRE(hat.ok());
  CHECK(hat->size() == 7);
}

TEST_CASE("the in-process transport answers unavailable before Start and after Shutdown") {
  net::io_context io;
  ::twirp::Server server;
  example::RegisterHaberdasher(server, std::make_shared<HatMaker>());
  ::twirp::ClientOptions options;
  options.transport = server.InProcessTransport();
  auto client = ::twirp::Client::Create(io.get_executor(), "http://in-process", options);
  REQUIRE(client.ok());
  example::HaberdasherClient haberdasher(*client);

  CHECK(Run(io, haberdasher.MakeHat(example::Size())).error().code() ==
        ::twirp::ErrorCode::kUnavailable);
  server.Start();
  example::Size size;
  size.set_inches(3);
  CHECK(Run(io, haberdasher.MakeHat(size)).ok());
  server.Shutdown(std::chrono::milliseconds(0));
  CHECK(Run(io, haberdasher.MakeHat(size)).error().code() == ::twirp::ErrorCode::kUnavailable);
}

// Run under ASan (scripts/test --sanitize), this fails with a use after scope
// if a call kept a reference to its request or to the generated client.
TEST_CASE(
    "stored calls own their requests and are awaited after the requests and the generated client are gone") {
  net::io_context io;
  InProcess in_process(io);
  example::RegisterHaberdasher(in_process.server, std::make_shared<HatMaker>());
  in_process.server.Start();

  std::vector<::twirp::Awaitable<::twirp::Result<example::Hat>>> calls;
  {
    auto haberdasher = std::make_unique<example::HaberdasherClient>(in_process.client);
    for (int inches = 1; inches <= 5; ++inches) {
      example::Size size;
      size.set_inches(inches);
      calls.push_back(haberdasher->MakeHat(size));
    }
  }
  auto await_all = [&calls]() -> ::twirp::Awaitable<std::vector<int>> {
    std::vector<int> sizes;
    for (auto& call : calls) {
      auto hat = co_await std::move(call);
      sizes.push_back(hat.ok() ? hat->size() : -1);
    }
    co_return sizes;
  };
  CHECK(Run(io, await_all()) == std::vector<int>{1, 2, 3, 4, 5});
}

TEST_CASE("spawned calls own their requests and run after the caller's requests are gone") {
  net::io_context io;
  InProcess in_process(io, ::twirp::Encoding::kJson);
  example::RegisterHaberdasher(in_process.server, std::make_shared<HatMaker>());
  in_process.server.Start();

  std::vector<std::future<::twirp::Result<example::Hat>>> futures;
  {
    example::HaberdasherClient haberdasher(in_process.client);
    for (int inches = 10; inches < 14; ++inches) {
      auto size = std::make_unique<example::Size>();
      size->set_inches(inches);
      futures.push_back(net::co_spawn(io, haberdasher.MakeHat(*size), net::use_future));
    }
  }
  io.run();  // nothing ran before: co_spawn only queued the calls
  for (int i = 0; i < 4; ++i) {
    auto hat = futures[i].get();
    REQUIRE(hat.ok());
    CHECK(hat->size() == 10 + i);
  }
}

// Answers nothing; records whether each request was marked idempotent.
class IdempotencyRecorder final : public ::twirp::Transport {
 public:
  ::twirp::Awaitable<::twirp::Result<::twirp::TransportResponse>> RoundTrip(
      ::twirp::TransportRequest request) override {
    marks.emplace_back(request.target, request.idempotent);
    co_return ::twirp::UnavailableError("recorded only");
  }
  std::vector<std::pair<std::string, bool>> marks;
};

TEST_CASE("idempotency_level NO_SIDE_EFFECTS and IDEMPOTENT reach the transport; others do not") {
  namespace multi = ::twirpcpp::plugin::multi::v1;
  net::io_context io;
  auto recorder = std::make_shared<IdempotencyRecorder>();
  ::twirp::ClientOptions options;
  options.transport = recorder;
  auto client = ::twirp::Client::Create(io.get_executor(), "http://recorded", options);
  REQUIRE(client.ok());
  multi::UsersClient users(*client);
  multi::GroupsClient groups(*client);
  ::twirpcpp::plugin::common::v1::Id id;
  (void)Run(io, users.GetUser(id));       // NO_SIDE_EFFECTS
  (void)Run(io, users.ListUsers({}));     // no option
  (void)Run(io, groups.GetGroup(id));     // IDEMPOTENT
  (void)Run(io, groups.ListMembers(id));  // no option
  CHECK(recorder->marks == std::vector<std::pair<std::string, bool>>{
                               {"/twirp/twirpcpp.plugin.multi.v1.Users/GetUser", true},
                               {"/twirp/twirpcpp.plugin.multi.v1.Users/ListUsers", false},
                               {"/twirp/twirpcpp.plugin.multi.v1.Groups/GetGroup", true},
                               {"/twirp/twirpcpp.plugin.multi.v1.Groups/ListMembers", false},
                           });
}
