#include "twirpcpp/hooks.h"

#include <memory>
#include <utility>

namespace twirp {

ServerHooks ChainHooks(std::vector<ServerHooks> hooks) {
  if (hooks.size() == 1) return std::move(hooks.front());
  auto all = std::make_shared<const std::vector<ServerHooks>>(std::move(hooks));
  ServerHooks chained;
  chained.request_received = [all](Context& ctx) -> Result<void> {
    for (const auto& h : *all) {
      if (!h.request_received) continue;
      if (auto result = h.request_received(ctx); !result.ok()) return result;
    }
    return Ok();
  };
  chained.request_routed = [all](Context& ctx) -> Result<void> {
    for (const auto& h : *all) {
      if (!h.request_routed) continue;
      if (auto result = h.request_routed(ctx); !result.ok()) return result;
    }
    return Ok();
  };
  chained.response_prepared = [all](Context& ctx) {
    for (const auto& h : *all) {
      if (h.response_prepared) h.response_prepared(ctx);
    }
  };
  chained.response_sent = [all](Context& ctx) {
    for (const auto& h : *all) {
      if (h.response_sent) h.response_sent(ctx);
    }
  };
  chained.error = [all](Context& ctx, const Error& error) {
    for (const auto& h : *all) {
      if (h.error) h.error(ctx, error);
    }
  };
  return chained;
}

}  // namespace twirp
