// What every service process of the reference system does around its Twirp
// server: parse --listen, take SIGINT/SIGTERM, announce its port, and shut down
// gracefully. Shared by the foundation services, the Tracks VAS and the BFF (a
// process utility, not service code: tiers still talk only over Twirp).
#pragma once

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/program_options/options_description.hpp>

#include "twirpcpp/client.h"
#include "twirpcpp/server.h"

namespace domain {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "127.0.0.1:8080" (port 0 picks a free one); false for anything else.
bool ParseListen(const std::string& text, ListenAddress& out);

// Parses the command line into `description`'s variables, answering --help
// (which `description` should offer). Returns the exit code when the process
// should stop now: 0 after --help, 2 for bad flags (the reason and the usage go
// to stderr); nullopt to go on.
std::optional<int> ParseFlags(std::string_view name, int argc, char* argv[],
                              const boost::program_options::options_description& description);

// The flags of a service whose coroutine handlers call upstream services (the
// Tracks VAS, the mobile BFF).
struct UpstreamCallerFlags {
  std::string listen = "127.0.0.1:0";
  int threads = 2;
  int request_timeout_ms = 0;
  int upstream_timeout_ms = 5'000;
  int grace_ms = 10'000;

  // --help, --listen, --threads, --request-timeout-ms, --upstream-timeout-ms,
  // --shutdown-grace-ms.
  void AddTo(boost::program_options::options_description& description);

  // Checks the values and fills in the listen address, the server's options and
  // the upstream clients' options. Prints why and returns false when a value is
  // out of range.
  bool Apply(std::string_view name, ListenAddress& address, twirp::ServerOptions& server,
             twirp::ClientOptions& clients) const;
};

// Blocks SIGINT and SIGTERM in the calling thread, so that threads started
// afterwards (the server's, the clients') inherit the mask and the signals are
// left to ServeUntilStopped's sigwait. Call before any thread is started.
sigset_t BlockStopSignals();

// Listens on `address`, starts `server`, prints "<name> listening on
// http://HOST:PORT" (the launcher reads it to learn the port), waits for one of
// `stop_signals`, then shuts down with `grace` for requests in flight. Returns
// the process exit code: 0 after a clean shutdown, 1 if it cannot listen.
int ServeUntilStopped(twirp::Server& server, std::string_view name, const ListenAddress& address,
                      const sigset_t& stop_signals, std::chrono::milliseconds grace);

}  // namespace domain
