// twirpcpp-interop-server [--port N]
//
// Serves the scripted Haberdasher (tests/interop/node/src/script.ts, inches < 300)
// and the echoing Interop_v1 service on 127.0.0.1 with the default /twirp prefix,
// for foreign Twirp clients to call. Prints {"port":N} as its first stdout line
// once listening; shuts down on SIGTERM or SIGINT, or when stdin reaches EOF (so
// it never outlives the test that started it).
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "haberdasher.twirp.h"
#include "twirpcpp/error.h"
#include "twirpcpp/interop/v1/interop.twirp.h"
#include "twirpcpp/server.h"
#include "twirpcpp/stop_signals.h"

namespace {

using twirpcpp::interop::v1::Sample;
using twitch::twirp::example::Hat;
using twitch::twirp::example::Size;

constexpr std::string_view kColors[] = {"white", "black", "brown", "red", "blue", "green"};
constexpr std::string_view kNames[] = {"bowler", "baseball cap", "top hat", "derby", "fedora"};
// Characters Go's error encoder escapes (§4.5), and non-ASCII.
constexpr std::string_view kTrickyMeta = "<a & b> \"quoted\" Zo\u00eb";
constexpr int kErrorBase = 200;

class ScriptedHaberdasher final : public twitch::twirp::example::HaberdasherBlocking {
 public:
  twirp::Result<Hat> MakeHat(twirp::Context&, const Size& size) override {
    const int inches = size.inches();
    if (inches >= 1 && inches <= 99) {
      Hat hat;
      hat.set_size(inches);
      hat.set_color(std::string(kColors[inches % std::size(kColors)]));
      hat.set_name(std::string(kNames[inches % std::size(kNames)]));
      return hat;
    }
    if (inches == 100) return Hat{};
    if (inches >= kErrorBase && inches < kErrorBase + twirp::kErrorCodeCount) {
      const auto code = static_cast<twirp::ErrorCode>(inches - kErrorBase);
      return twirp::Error(code, "scripted " + std::string(twirp::CodeString(code)))
          .WithMeta("inches", std::to_string(inches))
          .WithMeta("note", std::string(kTrickyMeta));
    }
    return twirp::Error(twirp::ErrorCode::kInvalidArgument,
                        "no script for inches " + std::to_string(inches));
  }
};

class EchoInterop final : public twirpcpp::interop::v1::InteropV1Blocking {
 public:
  twirp::Result<Sample> EchoSample(twirp::Context&, const Sample& sample) override {
    return sample;
  }
  twirp::Result<Sample> MakeHat_V1(twirp::Context&, const Sample& sample) override {
    return sample;
  }
};

}  // namespace

int main(int argc, char* argv[]) {
  std::uint16_t port = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--port" && i + 1 < argc) {
      port = static_cast<std::uint16_t>(std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: twirpcpp-interop-server [--port N]\n";
      return 2;
    }
  }

  // Before the server and the stdin watch start their threads, which inherit
  // the blocked signals.
  const twirp::StopSignals stop_signals;

  twirp::Server server;
  twitch::twirp::example::RegisterHaberdasher(server, std::make_shared<ScriptedHaberdasher>());
  twirpcpp::interop::v1::RegisterInteropV1(server, std::make_shared<EchoInterop>());
  if (auto error = server.Listen("127.0.0.1", port)) {
    std::cerr << "twirpcpp-interop-server: cannot listen: " << error.message() << "\n";
    return 1;
  }
  server.Start();
  std::cout << "{\"port\":" << server.port() << "}" << std::endl;

  // EOF on stdin stops the server as a signal would.
  std::thread stdin_watch([] {
    char buffer[256];
    while (::read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
    }
    ::kill(::getpid(), SIGTERM);
  });
  stdin_watch.detach();

  stop_signals.Wait();
  server.Shutdown(std::chrono::seconds(2));
  server.Wait();
  return 0;
}
