// Server::InProcessTransport(): a client Transport that hands each request to a
// server of the same process through the same path a connection uses
// (ServeRequest), with no socket in between.
#pragma once

#include <memory>

#include "server/server_core.h"
#include "twirpcpp/transport.h"

namespace twirp::internal {

std::shared_ptr<Transport> MakeInProcessTransport(ServerCore& core);

}  // namespace twirp::internal
