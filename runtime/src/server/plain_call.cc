#include "server/plain_call.h"

#include <optional>
#include <utility>

#include "common/context_access.h"
#include "common/panic.h"

namespace twirp::internal {
using detail::ContextAccess;

Awaitable<void> ServeHttpHandler(ServerCore& core, ResponseSink& sink, const BeastRequest& request,
                                 std::string path, const HttpHandler& handler,
                                 std::chrono::steady_clock::time_point start,
                                 boost::asio::any_io_executor executor) {
  FieldsView fields(request);
  Context ctx;
  ContextAccess::SetRequestHeaders(ctx, &fields);
  ContextAccess::SetExecutor(ctx, std::move(executor));
  if (core.options.request_deadline) {
    ContextAccess::SetDeadline(ctx, start + *core.options.request_deadline);
  }

  HttpRequest plain;
  plain.method = request.method_string();
  plain.target = request.target();
  plain.path = std::move(path);
  if (const auto q = plain.target.find('?'); q != std::string_view::npos) {
    plain.query = plain.target.substr(q + 1);
  }
  for (const auto& field : request) plain.headers.emplace_back(field.name_string(), field.value());
  plain.body = request.body();
  plain.remote_address = sink.RemoteAddress();

  std::optional<HttpResponse> response;
  try {
    response = co_await handler(ctx, plain);
  } catch (...) {
    // As for a Twirp handler (§4.10): the request fails, the server carries on.
    response = HttpResponse::FromError(PanicError());
  }
  if (response->status < 100 || response->status > 599) {
    response = HttpResponse::FromError(InternalError(
        "the HTTP handler returned the invalid status " + std::to_string(response->status)));
  }
  Context::HeaderList headers = ctx.response_headers();
  for (auto& header : response->headers) headers.push_back(std::move(header));
  ContextAccess::SetStatusCode(ctx, response->status);
  co_await sink.WriteResponse(response->status, response->content_type, std::move(response->body),
                              headers);
}

}  // namespace twirp::internal
