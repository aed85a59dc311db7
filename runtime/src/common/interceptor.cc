#include "twirpcpp/interceptor.h"

#include <memory>
#include <utility>

namespace twirp {
namespace {

using InterceptorList = std::vector<Interceptor>;

// Runs interceptor `i` with, as its next stage, the rest of the chain and
// finally `method`.
Awaitable<Result<void>> RunFrom(std::shared_ptr<const InterceptorList> list, std::size_t i,
                                Context& ctx, const google::protobuf::Message& request,
                                google::protobuf::Message& response, const Method& method) {
  if (i == list->size()) co_return co_await method(ctx, request, response);
  const Method next = [list, i, &method](Context& c, const google::protobuf::Message& req,
                                         google::protobuf::Message& resp) {
    return RunFrom(list, i + 1, c, req, resp, method);
  };
  co_return co_await (*list)[i](ctx, request, response, next);
}

}  // namespace

Interceptor ChainInterceptors(std::vector<Interceptor> interceptors) {
  std::erase_if(interceptors, [](const Interceptor& i) { return !i; });
  if (interceptors.empty()) return {};
  if (interceptors.size() == 1) return std::move(interceptors.front());
  auto list = std::make_shared<const InterceptorList>(std::move(interceptors));
  return [list](Context& ctx, const google::protobuf::Message& request,
                google::protobuf::Message& response,
                const Method& method) { return RunFrom(list, 0, ctx, request, response, method); };
}

}  // namespace twirp
