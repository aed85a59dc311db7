// GET /healthz and GET /readyz, which every service process answers on its
// announced port beside (never under) the Twirp prefix, and the HTTP probe the
// launcher and the upstream checks send them (docs/reference-system.md,
// "Supervision and health endpoints").
//
//   GET /healthz   200 {"status":"alive"}: the process runs and serves HTTP
//   GET /readyz    200 {"status":"ready"}, or 503 {"status":"not ready",
//                  "reason":"..."} while its ReadinessCheck fails
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "process/service_process.h"
#include "twirpcpp/awaitable.h"
#include "twirpcpp/result.h"
#include "twirpcpp/server.h"

namespace domain {

inline constexpr std::string_view kHealthzPath = "/healthz";
inline constexpr std::string_view kReadyzPath = "/readyz";

// Registers /healthz and /readyz on `server` (before Start); ServeUntilStopped
// does it for every service. A null `check`: ready once listening.
void ServeHealth(twirp::Server& server, ReadinessCheck check);

// An upstream a service cannot work without, by the name its errors use.
struct RequiredUpstream {
  std::string name;  // "track_metadata"
  std::string url;   // its base URL, as given to the client: "http://127.0.0.1:8081"
};

// Ready while every upstream answers 200 to GET /healthz within a short timeout
// (their /healthz, not /readyz: one tier down must not mark the whole chain
// unready). A result is reused briefly, and while one probe of an upstream is in
// flight other checks take the last result instead of sending another, so that a
// storm of /readyz requests costs an upstream at most one probe at a time. An
// unusable URL is invalid_argument.
twirp::Result<ReadinessCheck> UpstreamsReachable(std::vector<RequiredUpstream> upstreams);

// The host and port of "http://host:port[/path]" (port 80 when absent); false
// for another scheme or a bad port.
bool ParseHttpUrl(std::string_view url, ListenAddress& out);

// GET `path` from host:port with HTTP/1.1 and Connection: close, all within
// `timeout`; the response's status, nullopt when there was no response.
twirp::Awaitable<std::optional<int>> HttpGetStatus(ListenAddress address, std::string path,
                                                   std::chrono::milliseconds timeout);
// The same from a thread that runs no event loop (the launcher's).
std::optional<int> HttpGetStatusBlocking(const ListenAddress& address, const std::string& path,
                                         std::chrono::milliseconds timeout);

}  // namespace domain
