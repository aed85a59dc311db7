// The plugin parameter unimplemented_defaults: handlers a service does not
// override answer unimplemented (wire-protocol.md §4.1: 501), so that a method
// added to the proto does not break the build of an existing service.
#include <chrono>
#include <memory>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "in_process.h"
#include "twirpcpp/plugin/defaults/v1/defaults.twirp.h"
#include "twirpcpp/server.h"

namespace {

namespace defaults = ::twirpcpp::plugin::defaults::v1;
namespace net = boost::asio;
using ::twirp::testing::InProcess;
using ::twirp::testing::Run;

class NothingImplemented final : public defaults::Drafts {};
class NothingImplementedBlocking final : public defaults::DraftsBlocking {};

class WriteOnly final : public defaults::Drafts {
 public:
  ::twirp::Awaitable<::twirp::Result<defaults::Draft>> Write(
      ::twirp::Context&, const defaults::Draft& draft) override {
    co_return draft;
  }
};

static_assert(!std::is_abstract_v<NothingImplemented>);
static_assert(!std::is_abstract_v<NothingImplementedBlocking>);

template <class Service>
void CheckAnswers(std::shared_ptr<Service> service, bool write_implemented) {
  net::io_context io;
  InProcess in_process(io);
  defaults::RegisterDrafts(in_process.server, std::move(service));
  in_process.server.Start();
  defaults::DraftsClient drafts(in_process.client);

  defaults::Draft draft;
  draft.set_text("hello");
  auto written = Run(io, drafts.Write(draft));
  if (write_implemented) {
    REQUIRE(written.ok());
    CHECK(written->text() == "hello");
  } else {
    REQUIRE_FALSE(written.ok());
    CHECK(written.error().code() == ::twirp::ErrorCode::kUnimplemented);
    CHECK(written.error().msg() == "twirpcpp.plugin.defaults.v1.Drafts.Write is not implemented");
  }
  auto read = Run(io, drafts.Read(defaults::ReadRequest()));
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code() == ::twirp::ErrorCode::kUnimplemented);
  CHECK(read.error().msg() == "twirpcpp.plugin.defaults.v1.Drafts.Read is not implemented");
}

}  // namespace

TEST_CASE("unimplemented_defaults: a service that overrides nothing answers unimplemented") {
  CheckAnswers(std::make_shared<NothingImplemented>(), /*write_implemented=*/false);
}

TEST_CASE("unimplemented_defaults: the blocking interface's defaults answer unimplemented too") {
  CheckAnswers(std::make_shared<NothingImplementedBlocking>(), /*write_implemented=*/false);
}

TEST_CASE(
    "unimplemented_defaults: an overridden handler answers while the others stay unimplemented") {
  CheckAnswers(std::make_shared<WriteOnly>(), /*write_implemented=*/true);
}
