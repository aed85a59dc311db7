// What the foundation mains share: flags, signals, graceful shutdown.
//
//   <name> --listen 127.0.0.1:PORT --data-dir DIR [--seed] [--worker-threads N]
//          [--io-threads N] [--shutdown-grace-ms MS]
//
// Serves Twirp with /metrics until SIGINT or SIGTERM, then shuts down
// gracefully: requests in flight are answered first.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "twirpcpp/result.h"
#include "twirpcpp/server.h"

namespace foundation {

struct ServiceFlags {
  // Exists when setup runs (created if missing).
  std::string data_dir;
  // Write the seed data set if the database is new.
  bool seed = false;
};

// Opens the service's store and registers it on the server. An error stops the
// process before it listens.
using ServiceSetup = std::function<twirp::Result<void>(twirp::Server&, const ServiceFlags&)>;

// A trivial query of the service's store, which GET /readyz runs (on the event
// loop: it must be short); an error marks the process not ready.
using StoreCheck = std::function<twirp::Result<void>()>;
// A ServiceSetup that also returns its StoreCheck.
using CheckedServiceSetup =
    std::function<twirp::Result<StoreCheck>(twirp::Server&, const ServiceFlags&)>;

// Runs the service `name` ("foundation-likes") and returns the process exit
// code: 0 after a clean shutdown, 1 when setup or listening fails, 2 for bad flags.
// GET /readyz runs the setup's StoreCheck; with a plain ServiceSetup the process
// is ready once listening (its store opened before it listens).
int RunService(std::string_view name, int argc, char* argv[], const CheckedServiceSetup& setup);
int RunService(std::string_view name, int argc, char* argv[], const ServiceSetup& setup);

}  // namespace foundation
