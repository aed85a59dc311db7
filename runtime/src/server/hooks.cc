#include "twirpcpp/hooks.h"

#include <memory>
#include <utility>

namespace twirp {
namespace {

using Hooks = std::vector<ServerHooks>;

// Calls the hook `hook` of each set that has it, in order; the first error
// stops the chain and is returned.
template <class Hook>
Result<void> CallUntilError(const Hooks& all, Hook ServerHooks::*hook, Context& ctx) {
  for (const ServerHooks& h : all) {
    if (!(h.*hook)) continue;
    if (auto result = (h.*hook)(ctx); !result.ok()) return result;
  }
  return Ok();
}

// Calls the hook `hook` of each set that has it, in order.
template <class Hook, class... Args>
void CallEach(const Hooks& all, Hook ServerHooks::*hook, Args&... args) {
  for (const ServerHooks& h : all) {
    if (h.*hook) (h.*hook)(args...);
  }
}

}  // namespace

ServerHooks ChainHooks(std::vector<ServerHooks> hooks) {
  if (hooks.size() == 1) return std::move(hooks.front());
  auto all = std::make_shared<const Hooks>(std::move(hooks));
  ServerHooks chained;
  chained.request_received = [all](Context& ctx) {
    return CallUntilError(*all, &ServerHooks::request_received, ctx);
  };
  chained.request_routed = [all](Context& ctx) {
    return CallUntilError(*all, &ServerHooks::request_routed, ctx);
  };
  chained.response_prepared = [all](Context& ctx) {
    CallEach(*all, &ServerHooks::response_prepared, ctx);
  };
  chained.response_sent = [all](Context& ctx) { CallEach(*all, &ServerHooks::response_sent, ctx); };
  chained.error = [all](Context& ctx, const Error& error) {
    CallEach(*all, &ServerHooks::error, ctx, error);
  };
  return chained;
}

}  // namespace twirp
