#include "server/in_process_transport.h"

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/status.hpp>

#include "server/router.h"
#include "server/serve_request.h"

namespace twirp::internal {
namespace {

namespace http = boost::beast::http;

// Keeps the response the server writes, for the caller.
class CapturedResponse final : public ResponseSink {
 public:
  Awaitable<WriteOutcome> WriteResponse(int status, std::string_view content_type, std::string body,
                                        const Context::HeaderList& headers) override {
    response_.status = status;
    const auto reason = http::obsolete_reason(static_cast<http::status>(status));
    response_.reason.assign(reason.data(), reason.size());
    response_.headers = headers;
    response_.headers.emplace_back("Content-Type", std::string(content_type));
    response_.headers.emplace_back("Content-Length", std::to_string(body.size()));
    response_.body = std::move(body);
    written_ = true;
    co_return WriteOutcome{};
  }

  bool written() const { return written_; }
  TransportResponse Take() { return std::move(response_); }

 private:
  TransportResponse response_;
  bool written_ = false;
};

class InProcessTransport final : public Transport {
 public:
  explicit InProcessTransport(ServerCore& core) : core_(core) {}

  Awaitable<Result<TransportResponse>> RoundTrip(TransportRequest request) override {
    if (!core_.serving.load() || core_.stopping.load()) {
      co_return UnavailableError("failed to do request: the in-process server is not serving");
    }
    if (Expired(request.deadline)) co_return DeadlineError();
    const std::optional<std::string> path = Router::DecodePath(request.target);
    if (!path) {
      co_return InternalError("failed to do request: invalid request target \"" + request.target +
                              "\"");
    }

    BeastRequest beast(http::string_to_verb(request.method), request.target, 11);
    if (beast.method() == http::verb::unknown) beast.method_string(request.method);
    for (auto& [name, value] : request.headers) beast.insert(name, value);
    beast.body() = std::move(request.body);
    beast.prepare_payload();

    CapturedResponse sink;
    co_await ServeRequest(core_, sink, beast, *path, std::chrono::steady_clock::now(),
                          co_await boost::asio::this_coro::executor);
    if (!sink.written()) co_return InternalError("failed to do request: no response was written");
    if (Expired(request.deadline)) co_return DeadlineError();
    co_return sink.Take();
  }

 private:
  static bool Expired(const std::optional<Clock::time_point>& deadline) {
    return deadline && Clock::now() >= *deadline;
  }
  static Error DeadlineError() {
    return DeadlineExceededError("failed to do request: deadline exceeded");
  }

  ServerCore& core_;
};

}  // namespace

std::shared_ptr<Transport> MakeInProcessTransport(ServerCore& core) {
  return std::make_shared<InProcessTransport>(core);
}

}  // namespace twirp::internal
