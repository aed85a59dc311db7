#include "twirpcpp/context.h"

#include <algorithm>

#include "common/ascii.h"

namespace twirp {
namespace {

// Framing belongs to the server, and CR/LF in a field would let a handler that
// echoes client input into a header split the response.
Result<void> CheckResponseHeader(std::string_view name, std::string_view value) {
  if (internal::EqualsIgnoreCase(name, "Content-Type")) {
    return Error(ErrorCode::kInvalidArgument, "header key can not be Content-Type");
  }
  if (internal::EqualsIgnoreCase(name, "Content-Length")) {
    return Error(ErrorCode::kInvalidArgument, "header key can not be Content-Length");
  }
  if (name.empty()) return Error(ErrorCode::kInvalidArgument, "header key can not be empty");
  auto bad = [](std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
  };
  if (bad(name) || bad(value)) {
    return Error(ErrorCode::kInvalidArgument, "header key and value can not contain CR, LF or NUL");
  }
  return Ok();
}

}  // namespace

std::optional<std::string_view> Context::request_header(std::string_view name) const {
  if (request_headers_ == nullptr) return std::nullopt;
  return request_headers_->Get(name);
}

void Context::ForEachRequestHeader(
    const std::function<void(std::string_view name, std::string_view value)>& fn) const {
  if (request_headers_ != nullptr) request_headers_->ForEach(fn);
}

Result<void> Context::SetResponseHeader(std::string name, std::string value) {
  if (auto check = CheckResponseHeader(name, value); !check.ok()) return check;
  std::erase_if(response_headers_,
                [&](const auto& field) { return internal::EqualsIgnoreCase(field.first, name); });
  response_headers_.emplace_back(std::move(name), std::move(value));
  return Ok();
}

Result<void> Context::AddResponseHeader(std::string name, std::string value) {
  if (auto check = CheckResponseHeader(name, value); !check.ok()) return check;
  response_headers_.emplace_back(std::move(name), std::move(value));
  return Ok();
}

}  // namespace twirp
