#include "client/error_decoding.h"

#include <map>
#include <optional>
#include <string>

#include "codec/go_text.h"

namespace twirp::internal {
namespace {

// Go's twerrJSON after json.Decoder.Decode with DisallowUnknownFields.
struct ErrorBody {
  std::string code;
  std::string msg;
  std::map<std::string, std::string, std::less<>> meta;
};

// encoding/json matches keys to struct fields case-insensitively after folding
// with unicode.ToUpper; of the runes that fold onto c, o, d, e, m, s, g, t, a
// only U+017F (long s) is not ASCII.
std::string FoldKey(std::string_view key) {
  std::string out;
  std::size_t i = 0;
  while (i < key.size()) {
    const DecodedRune d = DecodeRune(key.substr(i));
    if (d.rune < 0x80) {
      char c = static_cast<char>(d.rune);
      out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    } else if (d.rune == 0x17F) {
      out.push_back('S');
    } else {
      out.append(key.substr(i, d.size));
    }
    i += d.size;
  }
  return out;
}

// Reads a string, or null (which leaves a Go string untouched: `value` is reset).
// False on anything else.
bool ReadStringOrNull(JsonCursor& cursor, std::optional<std::string>& value) {
  if (cursor.Peek() == 'n') {
    value.reset();
    return cursor.ConsumeLiteral("null");
  }
  value = cursor.ReadString();
  return value.has_value();
}

bool ReadMeta(JsonCursor& cursor, ErrorBody& body) {
  if (cursor.Peek() == 'n') {
    body.meta.clear();  // null sets a Go map to nil
    return cursor.ConsumeLiteral("null");
  }
  // Decoding into an existing map keeps its entries: a repeated "meta" key merges.
  if (!cursor.Consume('{')) return false;
  if (cursor.Consume('}')) return true;
  do {
    std::optional<std::string> key = cursor.Peek() == '"' ? cursor.ReadString() : std::nullopt;
    if (!key || !cursor.Consume(':')) return false;
    std::optional<std::string> value;
    if (!ReadStringOrNull(cursor, value)) return false;
    // A null element is stored as the zero value "".
    body.meta.insert_or_assign(std::move(*key), value.value_or(std::string()));
  } while (cursor.Consume(','));
  return cursor.Consume('}');
}

// The value of the member `key` of the body, into its field of `body`.
bool ReadMember(JsonCursor& cursor, std::string_view key, ErrorBody& body) {
  const std::string folded = FoldKey(key);
  if (folded == "META") return ReadMeta(cursor, body);
  std::string* field = folded == "CODE" ? &body.code : folded == "MSG" ? &body.msg : nullptr;
  if (field == nullptr) return false;  // DisallowUnknownFields
  std::optional<std::string> value;
  if (!ReadStringOrNull(cursor, value)) return false;
  if (value) *field = std::move(*value);
  return true;
}

// Decodes the first JSON value of `text` the way the Go client does; nullopt
// where Go's Decode returns an error. Any syntax or type error is fatal to the
// whole decode in Go too, so stopping at the first problem gives the same answer.
std::optional<ErrorBody> DecodeErrorBody(std::string_view text) {
  JsonCursor cursor(text);
  ErrorBody body;
  if (cursor.Peek() == 'n') {
    if (!cursor.ConsumeLiteral("null")) return std::nullopt;
    return body;  // null into a struct is a no-op; the empty code rejects it later
  }
  if (!cursor.Consume('{')) return std::nullopt;
  if (cursor.Consume('}')) return body;
  do {
    std::optional<std::string> key = cursor.Peek() == '"' ? cursor.ReadString() : std::nullopt;
    if (!key || !cursor.Consume(':')) return std::nullopt;
    if (!ReadMember(cursor, *key, body)) return std::nullopt;
  } while (cursor.Consume(','));
  if (!cursor.Consume('}')) return std::nullopt;
  return body;
}

bool IsRedirect(int status) { return status >= 300 && status <= 399; }

ErrorCode IntermediaryCode(int status) {
  if (IsRedirect(status)) return ErrorCode::kInternal;
  switch (status) {
    case 400: return ErrorCode::kInternal;
    case 401: return ErrorCode::kUnauthenticated;
    case 403: return ErrorCode::kPermissionDenied;
    case 404: return ErrorCode::kBadRoute;
    case 429: return ErrorCode::kResourceExhausted;
    case 502:
    case 503:
    case 504: return ErrorCode::kUnavailable;
    default: return ErrorCode::kUnknown;
  }
}

// Go's twirpErrorFromIntermediary.
Error IntermediaryError(int status, std::string msg, std::string_view body_or_location) {
  return Error(IntermediaryCode(status), std::move(msg))
      .WithMeta("http_error_from_intermediary", "true")
      .WithMeta("status_code", std::to_string(status))
      .WithMeta(IsRedirect(status) ? "location" : "body", std::string(body_or_location));
}

}  // namespace

std::string_view GoStatusText(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 102: return "Processing";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 208: return "Already Reported";
    case 226: return "IM Used";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 506: return "Variant Also Negotiates";
    case 507: return "Insufficient Storage";
    case 508: return "Loop Detected";
    case 510: return "Not Extended";
    case 511: return "Network Authentication Required";
    default: return "";
  }
}

Error ErrorFromHttpResponse(int status, std::string_view reason_phrase, std::string_view body,
                            std::string_view location_header) {
  const std::string_view reason = reason_phrase.empty() ? GoStatusText(status) : reason_phrase;
  if (IsRedirect(status)) {
    // Twirp only uses POST and its clients never follow redirects, so a 3xx can
    // only come from something in between; the body is not read.
    std::string msg = "unexpected HTTP status code " + std::to_string(status) + " " +
                      GoQuote(reason) + " received, Location=" + GoQuote(location_header);
    return IntermediaryError(status, std::move(msg), location_header);
  }
  std::optional<ErrorBody> decoded = DecodeErrorBody(body);
  if (!decoded || decoded->code.empty()) {
    std::string msg = "Error from intermediary with HTTP status code " + std::to_string(status) +
                      " " + GoQuote(reason);
    return IntermediaryError(status, std::move(msg), body);
  }
  std::optional<ErrorCode> code = ParseCode(decoded->code);
  // Deliberate difference from Go (wire-protocol.md §4.2): Twirp's spec text spells
  // data_loss "dataloss"; a peer that followed the spec is understood rather than
  // turned into internal.
  if (!code && decoded->code == "dataloss") code = ErrorCode::kDataLoss;
  if (!code) {
    return InternalError("invalid type returned from server error response: " + decoded->code)
        .WithMeta("body", std::string(body));
  }
  Error error(*code, std::move(decoded->msg));
  for (auto& [key, value] : decoded->meta) error.WithMeta(key, std::move(value));
  return error;
}

}  // namespace twirp::internal
