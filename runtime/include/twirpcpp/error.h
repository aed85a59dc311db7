// Twirp errors as values: a code, a message and string metadata.
//
// The code table (code string, HTTP status) lives in exactly one place, error.cc;
// everything else asks CodeString() and HttpStatus().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace twirp {

// The 18 Twirp error codes (wire-protocol.md §4.1). `ok` is not an error code.
enum class ErrorCode : std::uint8_t {
  kCanceled,
  kUnknown,
  kInvalidArgument,
  kMalformed,
  kDeadlineExceeded,
  kNotFound,
  kBadRoute,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,
  kFailedPrecondition,
  kAborted,
  kOutOfRange,
  kUnimplemented,
  kInternal,
  kUnavailable,
  kDataLoss,
};

inline constexpr int kErrorCodeCount = 18;

// "not_found", "data_loss", ... as sent on the wire.
std::string_view CodeString(ErrorCode code);

// The HTTP status a server sends for `code` (404 for not_found, 429 for
// resource_exhausted, ...).
int HttpStatus(ErrorCode code);

// The code for a wire string; nullopt for anything outside the table. Exact
// match only: callers that want to accept the spec's "dataloss" spelling say so.
std::optional<ErrorCode> ParseCode(std::string_view code);

class Error {
 public:
  using Meta = std::map<std::string, std::string, std::less<>>;  // sorted, as Go writes it

  Error(ErrorCode code, std::string msg);

  ErrorCode code() const { return code_; }
  const std::string& msg() const { return msg_; }
  const Meta& meta() const { return meta_; }

  // The value of a meta key, or "" when absent.
  std::string_view meta(std::string_view key) const;

  Error& WithMeta(std::string key, std::string value) &;
  Error&& WithMeta(std::string key, std::string value) &&;

  // Why the error happened, for hooks and logs only; never sent on the wire.
  // (A handler's exception text, a transport error, ...)
  const std::string& cause() const { return cause_; }
  Error& WithCause(std::string cause) &;
  Error&& WithCause(std::string cause) &&;

  // The response body a Go server writes: {"code":..,"msg":..,"meta":{..}} with
  // meta left out when empty (wire-protocol.md §4.4-4.6).
  std::string ToJson() const;

  friend bool operator==(const Error&, const Error&) = default;

 private:
  ErrorCode code_;
  std::string msg_;
  Meta meta_;
  std::string cause_;
};

// One factory per code, as Go's twirp package and Abseil have them.
Error CanceledError(std::string msg);
Error UnknownError(std::string msg);
// Go's InvalidArgumentError: msg "<argument> <validation_msg>", meta argument=<argument>.
Error InvalidArgumentError(std::string argument, std::string validation_msg);
// Go's RequiredArgumentError: "<argument> is required", meta argument=<argument>.
Error RequiredArgumentError(std::string argument);
Error MalformedError(std::string msg);
Error DeadlineExceededError(std::string msg);
Error NotFoundError(std::string msg);
Error BadRouteError(std::string msg);
Error AlreadyExistsError(std::string msg);
Error PermissionDeniedError(std::string msg);
Error UnauthenticatedError(std::string msg);
Error ResourceExhaustedError(std::string msg);
Error FailedPreconditionError(std::string msg);
Error AbortedError(std::string msg);
Error OutOfRangeError(std::string msg);
Error UnimplementedError(std::string msg);
Error InternalError(std::string msg);
Error UnavailableError(std::string msg);
Error DataLossError(std::string msg);

}  // namespace twirp
