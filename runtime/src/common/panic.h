// What a handler, interceptor or hook that throws becomes: the request fails as
// Go's does when its handler panics (§4.10: internal, "Internal service
// panic"), but the server carries on, where Go's would crash. Private to the
// runtime.
#pragma once

#include "twirpcpp/error.h"

namespace twirp::internal {

// The error for the exception being handled, its text as the cause (never
// sent to clients). Call only from inside a catch block.
Error PanicError();

}  // namespace twirp::internal
