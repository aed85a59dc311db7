// What a twirpcpp client costs: the generated Haberdasher client in coroutine
// form, `--in-flight` calls at once over the client's connection pool, for
// `--seconds`, against any Haberdasher server (bench/run points it at the Beast
// baseline server, so that nearly all the CPU measured here is the client's).
//
//   client-bench --url http://127.0.0.1:PORT [--seconds 5] [--in-flight 64] [--json]
//
// Prints one line of key=value figures for bench/run: calls, errors, wall
// seconds and the process's CPU seconds (user + system; the io_context runs on
// the main thread, so the process is the client and nothing else).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "haberdasher.twirp.h"
#include "twirpcpp/client.h"

namespace {

namespace net = boost::asio;
using twitch::twirp::example::HaberdasherClient;
using twitch::twirp::example::Size;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Tally {
  int running = 0;  // callers not finished yet; the last one stops the loop
  long calls = 0;
  long errors = 0;
  std::string first_error;
};

// One of the in-flight callers: calls MakeHat back to back until `end`.
twirp::Awaitable<void> Caller(net::io_context& io, HaberdasherClient& client,
                              std::chrono::steady_clock::time_point end, Tally& tally) {
  Size size;
  size.set_inches(14);
  while (std::chrono::steady_clock::now() < end) {
    auto hat = co_await client.MakeHat(size);
    if (hat.ok()) {
      ++tally.calls;
    } else if (tally.errors++ == 0) {
      tally.first_error = hat.error().msg();
    }
  }
  // The pool's idle sweeper keeps the io_context busy: stop it explicitly.
  if (--tally.running == 0) io.stop();
}

int Main(int argc, char* argv[]) {
  std::string url;
  double seconds = 5;
  int in_flight = 64;
  twirp::ClientOptions options;
  const char* const usage =
      "usage: client-bench --url URL [--seconds S] [--in-flight N] [--json]\n";
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      if (arg == "--url" && i + 1 < argc) {
        url = argv[++i];
      } else if (arg == "--seconds" && i + 1 < argc) {
        seconds = std::stod(argv[++i]);
      } else if (arg == "--in-flight" && i + 1 < argc) {
        in_flight = std::stoi(argv[++i]);
      } else if (arg == "--json") {
        options.encoding = twirp::Encoding::kJson;
      } else {
        std::cerr << usage;
        return 2;
      }
    }
  } catch (const std::logic_error&) {  // std::stod or std::stoi given no number
    std::cerr << usage;
    return 2;
  }
  // The pool may open as many connections as there are callers, and no more.
  options.max_connections = static_cast<std::size_t>(in_flight);

  net::io_context io(1);
  auto created = twirp::Client::Create(io.get_executor(), url, options);
  if (!created.ok()) {
    std::cerr << "client-bench: " << created.error().msg() << "\n";
    return 2;
  }
  HaberdasherClient client(*created);

  // Warm-up: connections opened and code paths touched before measuring.
  auto after = [](double s) {
    return std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(
               std::chrono::duration<double>(s));
  };
  Tally warmup;
  warmup.running = in_flight;
  const auto warm_end = after(seconds / 10);
  for (int i = 0; i < in_flight; ++i)
    net::co_spawn(io, Caller(io, client, warm_end, warmup), net::detached);
  io.run();
  io.restart();

  Tally tally;
  tally.running = in_flight;
  const double cpu_start = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  const auto end = after(seconds);
  for (int i = 0; i < in_flight; ++i)
    net::co_spawn(io, Caller(io, client, end, tally), net::detached);
  io.run();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_start;

  std::printf("calls=%ld errors=%ld seconds=%.6f cpu_seconds=%.6f\n", tally.calls,
              tally.errors + warmup.errors, wall, cpu);
  if (!tally.first_error.empty() || !warmup.first_error.empty()) {
    std::fprintf(stderr, "client-bench: first error: %s\n",
                 (tally.first_error.empty() ? warmup.first_error : tally.first_error).c_str());
  }
  return tally.calls > 0 && tally.errors == 0 && warmup.errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char* argv[]) {
  // What a caller throws (out of memory, say) comes out of io.run(): one line, not
  // std::terminate's abort.
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "client-bench: " << e.what() << "\n";
    return 1;
  }
}
