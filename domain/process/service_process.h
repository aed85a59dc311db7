// What every service process of the reference system does around its Twirp
// server: parse --listen, take SIGINT/SIGTERM, announce its port, and shut down
// gracefully. Shared by the foundation services, the Tracks VAS and the BFF (a
// process utility, not service code: tiers still talk only over Twirp).
#pragma once

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "twirpcpp/server.h"

namespace domain {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "127.0.0.1:8080" (port 0 picks a free one); false for anything else.
bool ParseListen(const std::string& text, ListenAddress& out);

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
