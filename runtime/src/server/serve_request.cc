#include "server/serve_request.h"

#include <utility>

#include "server/plain_call.h"
#include "server/unary_call.h"

namespace twirp::internal {

std::optional<std::string_view> FieldsView::Get(std::string_view name) const {
  const auto it = fields_.find(name);
  if (it == fields_.end()) return std::nullopt;
  return it->value();
}

void FieldsView::ForEach(const std::function<void(std::string_view, std::string_view)>& fn) const {
  for (const auto& field : fields_) fn(field.name_string(), field.value());
}

Awaitable<void> ServeRequest(ServerCore& core, ResponseSink& sink, const BeastRequest& request,
                             std::string path, std::chrono::steady_clock::time_point start,
                             boost::asio::any_io_executor executor) {
  if (const HttpHandler* handler = core.http_handlers.Find(path)) {
    co_await ServeHttpHandler(core, sink, request, std::move(path), *handler, start,
                              std::move(executor));
    co_return;
  }
  UnaryCall call(core, sink, request, path, start, std::move(executor));
  co_await call.Run();
}

}  // namespace twirp::internal
