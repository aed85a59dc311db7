#include "common/panic.h"

#include <exception>
#include <string>

namespace twirp::internal {

Error PanicError() {
  std::string cause;
  try {
    throw;
  } catch (const std::exception& e) {
    cause = e.what();
  } catch (...) {
    cause = "unknown exception";
  }
  return InternalError("Internal service panic").WithCause(std::move(cause));
}

}  // namespace twirp::internal
