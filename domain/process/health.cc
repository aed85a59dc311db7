#include "process/health.h"

#include <exception>
#include <mutex>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "twirpcpp/http.h"

namespace domain {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// An upstream's /healthz answers in well under this on a loopback or a LAN; one
// that takes longer is as good as down for a caller with a 2 s edge deadline.
constexpr milliseconds kProbeTimeout{500};
// How long a probe's result stands: a launcher or an orchestrator polling every
// few milliseconds then costs an upstream one probe a second.
constexpr milliseconds kProbeReuse{1'000};

twirp::HttpResponse Status(int status, const nlohmann::json& body) {
  return twirp::HttpResponse::Json(status, body.dump());
}

// One required upstream and the last probe of its /healthz.
struct UpstreamProbe {
  std::string name;
  ListenAddress address;
  std::mutex mu;  // never held across an await
  bool in_flight = false;
  std::optional<bool> healthy;  // nullopt until the first probe has answered
  Clock::time_point probed;

  twirp::Awaitable<bool> Healthy() {
    bool probe = false;
    std::optional<bool> known;
    {
      const std::lock_guard lock(mu);
      if (!in_flight && (!healthy || Clock::now() - probed >= kProbeReuse)) {
        in_flight = true;
        probe = true;
      }
      known = healthy;
    }
    if (!probe) co_return known.value_or(false);
    const bool ok =
        co_await HttpGetStatus(address, std::string(kHealthzPath), kProbeTimeout) == 200;
    const std::lock_guard lock(mu);
    in_flight = false;
    healthy = ok;
    probed = Clock::now();
    co_return ok;
  }
};

}  // namespace

void ServeHealth(twirp::Server& server, ReadinessCheck check) {
  server.Handle(
      std::string(kHealthzPath),
      [](twirp::Context&, const twirp::HttpRequest&) -> twirp::Awaitable<twirp::HttpResponse> {
        co_return Status(200, {{"status", "alive"}});
      });
  server.Handle(
      std::string(kReadyzPath),
      [check = std::move(check)](
          twirp::Context&, const twirp::HttpRequest&) -> twirp::Awaitable<twirp::HttpResponse> {
        if (check) {
          if (auto reason = co_await check()) {
            co_return Status(503, {{"status", "not ready"}, {"reason", *reason}});
          }
        }
        co_return Status(200, {{"status", "ready"}});
      });
}

twirp::Result<ReadinessCheck> UpstreamsReachable(std::vector<RequiredUpstream> upstreams) {
  auto probes = std::make_shared<std::vector<std::unique_ptr<UpstreamProbe>>>();
  for (RequiredUpstream& upstream : upstreams) {
    auto probe = std::make_unique<UpstreamProbe>();
    if (!ParseHttpUrl(upstream.url, probe->address)) {
      return twirp::Error(twirp::ErrorCode::kInvalidArgument,
                          "upstream " + upstream.name + ": not an http://host:port URL");
    }
    probe->name = std::move(upstream.name);
    probes->push_back(std::move(probe));
  }
  return ReadinessCheck([probes]() -> twirp::Awaitable<std::optional<std::string>> {
    for (const auto& probe : *probes) {
      if (!co_await probe->Healthy()) co_return "upstream " + probe->name + " unreachable";
    }
    co_return std::nullopt;
  });
}

bool ParseHttpUrl(std::string_view url, ListenAddress& out) {
  constexpr std::string_view kScheme = "http://";
  if (url.starts_with(kScheme)) url.remove_prefix(kScheme.size());
  if (url.find("://") != std::string_view::npos) return false;
  url = url.substr(0, url.find('/'));
  if (url.empty()) return false;
  // A bracketed IPv6 literal has colons of its own: only one after ']' is a port.
  const auto bracket = url.rfind(']');
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    out = {std::string(url), 80};
    return true;
  }
  return ParseListen(std::string(url), out);
}

twirp::Awaitable<std::optional<int>> HttpGetStatus(ListenAddress address, std::string path,
                                                   milliseconds timeout) {
  const auto executor = co_await asio::this_coro::executor;
  const auto token = asio::as_tuple(asio::use_awaitable);
  std::string host = address.host;
  if (host.size() > 1 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  asio::ip::tcp::resolver resolver(executor);
  auto [resolve_error, endpoints] = co_await resolver.async_resolve(
      host, std::to_string(address.port), asio::ip::tcp::resolver::numeric_service, token);
  if (resolve_error) co_return std::nullopt;

  boost::beast::tcp_stream stream(executor);
  stream.expires_after(timeout);
  auto [connect_error, endpoint] = co_await stream.async_connect(endpoints, token);
  if (connect_error) co_return std::nullopt;
  http::request<http::empty_body> request(http::verb::get, path, 11);
  request.set(http::field::host, address.host + ":" + std::to_string(address.port));
  request.set(http::field::connection, "close");
  auto [write_error, written] = co_await http::async_write(stream, request, token);
  if (write_error) co_return std::nullopt;
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, token);
  if (read_error) co_return std::nullopt;
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return parser.get().result_int();
}

std::optional<int> HttpGetStatusBlocking(const ListenAddress& address, const std::string& path,
                                         milliseconds timeout) {
  asio::io_context io;
  std::optional<int> status;
  asio::co_spawn(io, HttpGetStatus(address, path, timeout),
                 [&status](const std::exception_ptr& error, std::optional<int> result) {
                   if (!error) status = result;
                 });
  io.run();
  return status;
}

}  // namespace domain
