#include "twirpcpp/error.h"

#include <array>
#include <utility>

#include "codec/go_text.h"

namespace twirp {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  int http_status;
};

// The one code table (wire-protocol.md §4.1, Go errors.go ServerHTTPStatusFromErrorCode),
// indexed by ErrorCode.
constexpr std::array<CodeInfo, kErrorCodeCount> kCodes{{
    {ErrorCode::kCanceled, "canceled", 408},
    {ErrorCode::kUnknown, "unknown", 500},
    {ErrorCode::kInvalidArgument, "invalid_argument", 400},
    {ErrorCode::kMalformed, "malformed", 400},
    {ErrorCode::kDeadlineExceeded, "deadline_exceeded", 408},
    {ErrorCode::kNotFound, "not_found", 404},
    {ErrorCode::kBadRoute, "bad_route", 404},
    {ErrorCode::kAlreadyExists, "already_exists", 409},
    {ErrorCode::kPermissionDenied, "permission_denied", 403},
    {ErrorCode::kUnauthenticated, "unauthenticated", 401},
    {ErrorCode::kResourceExhausted, "resource_exhausted", 429},
    {ErrorCode::kFailedPrecondition, "failed_precondition", 412},
    {ErrorCode::kAborted, "aborted", 409},
    {ErrorCode::kOutOfRange, "out_of_range", 400},
    {ErrorCode::kUnimplemented, "unimplemented", 501},
    {ErrorCode::kInternal, "internal", 500},
    {ErrorCode::kUnavailable, "unavailable", 503},
    {ErrorCode::kDataLoss, "data_loss", 500},
}};

constexpr bool TableIsIndexedByCode() {
  for (int i = 0; i < kErrorCodeCount; ++i) {
    if (static_cast<int>(kCodes[i].code) != i) return false;
  }
  return true;
}
static_assert(TableIsIndexedByCode());

const CodeInfo& Info(ErrorCode code) { return kCodes[static_cast<std::size_t>(code)]; }

// Go's marshalErrorToJSON cuts msg to this many bytes (§4.6).
constexpr std::size_t kMaxMsgBytes = 1'000'000;

}  // namespace

std::string_view CodeString(ErrorCode code) { return Info(code).name; }

int HttpStatus(ErrorCode code) { return Info(code).http_status; }

std::optional<ErrorCode> ParseCode(std::string_view code) {
  for (const CodeInfo& info : kCodes) {
    if (info.name == code) return info.code;
  }
  return std::nullopt;
}

Error::Error(ErrorCode code, std::string msg) : code_(code), msg_(std::move(msg)) {}

std::string_view Error::meta(std::string_view key) const {
  const auto it = meta_.find(key);
  return it == meta_.end() ? std::string_view() : std::string_view(it->second);
}

Error& Error::WithMeta(std::string key, std::string value) & {
  meta_.insert_or_assign(std::move(key), std::move(value));
  return *this;
}

Error&& Error::WithMeta(std::string key, std::string value) && {
  meta_.insert_or_assign(std::move(key), std::move(value));
  return std::move(*this);
}

Error& Error::WithCause(std::string cause) & {
  cause_ = std::move(cause);
  return *this;
}

Error&& Error::WithCause(std::string cause) && {
  cause_ = std::move(cause);
  return std::move(*this);
}

std::string Error::ToJson() const {
  const std::string_view msg = std::string_view(msg_).substr(0, kMaxMsgBytes);
  std::string out;
  out.reserve(32 + msg.size());
  out += "{\"code\":";
  internal::AppendGoJsonString(out, CodeString(code_));
  out += ",\"msg\":";
  internal::AppendGoJsonString(out, msg);
  if (!meta_.empty()) {
    // meta_ is ordered by byte-wise key comparison, which is the order
    // encoding/json sorts map keys in.
    out += ",\"meta\":{";
    bool first = true;
    for (const auto& [key, value] : meta_) {
      if (!first) out.push_back(',');
      first = false;
      internal::AppendGoJsonString(out, key);
      out.push_back(':');
      internal::AppendGoJsonString(out, value);
    }
    out.push_back('}');
  }
  out.push_back('}');
  return out;
}

Error CanceledError(std::string msg) { return Error(ErrorCode::kCanceled, std::move(msg)); }
Error UnknownError(std::string msg) { return Error(ErrorCode::kUnknown, std::move(msg)); }

Error InvalidArgumentError(std::string argument, std::string validation_msg) {
  std::string msg = std::move(validation_msg);
  msg.insert(0, argument + " ");
  return Error(ErrorCode::kInvalidArgument, std::move(msg))
      .WithMeta("argument", std::move(argument));
}

Error RequiredArgumentError(std::string argument) {
  return InvalidArgumentError(std::move(argument), "is required");
}

Error MalformedError(std::string msg) { return Error(ErrorCode::kMalformed, std::move(msg)); }
Error DeadlineExceededError(std::string msg) {
  return Error(ErrorCode::kDeadlineExceeded, std::move(msg));
}
Error NotFoundError(std::string msg) { return Error(ErrorCode::kNotFound, std::move(msg)); }
Error BadRouteError(std::string msg) { return Error(ErrorCode::kBadRoute, std::move(msg)); }
Error AlreadyExistsError(std::string msg) {
  return Error(ErrorCode::kAlreadyExists, std::move(msg));
}
Error PermissionDeniedError(std::string msg) {
  return Error(ErrorCode::kPermissionDenied, std::move(msg));
}
Error UnauthenticatedError(std::string msg) {
  return Error(ErrorCode::kUnauthenticated, std::move(msg));
}
Error ResourceExhaustedError(std::string msg) {
  return Error(ErrorCode::kResourceExhausted, std::move(msg));
}
Error FailedPreconditionError(std::string msg) {
  return Error(ErrorCode::kFailedPrecondition, std::move(msg));
}
Error AbortedError(std::string msg) { return Error(ErrorCode::kAborted, std::move(msg)); }
Error OutOfRangeError(std::string msg) { return Error(ErrorCode::kOutOfRange, std::move(msg)); }
Error UnimplementedError(std::string msg) {
  return Error(ErrorCode::kUnimplemented, std::move(msg));
}
Error InternalError(std::string msg) { return Error(ErrorCode::kInternal, std::move(msg)); }
Error UnavailableError(std::string msg) { return Error(ErrorCode::kUnavailable, std::move(msg)); }
Error DataLossError(std::string msg) { return Error(ErrorCode::kDataLoss, std::move(msg)); }

}  // namespace twirp
