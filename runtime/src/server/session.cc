#include "server/session.h"

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>

#include "common/ascii.h"
#include "server/session_impl.h"

namespace twirp::internal {
namespace http = boost::beast::http;

// Beast only honours a Transfer-Encoding whose last coding is "chunked" and
// otherwise reads a request without Content-Length as bodiless, so anything
// else (another coding, a list, a Transfer-Encoding beside Content-Length) could
// leave a body on the connection to be read as the next request: a proxy in
// front may frame the same bytes differently (docs/wire-protocol.md §5.15).
const char* CheckFraming(const BeastRequest& request) {
  if (const auto te = request.find(http::field::transfer_encoding); te != request.end()) {
    if (!EqualsIgnoreCase(te->value(), "chunked") ||
        request.count(http::field::transfer_encoding) != 1) {
      return "unsupported Transfer-Encoding";
    }
    if (request.find(http::field::content_length) != request.end()) {
      return "Transfer-Encoding and Content-Length together";
    }
  }
  // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one before (§5.16).
  const std::size_t hosts = request.count(http::field::host);
  if (hosts > 1 || (hosts == 0 && request.version() >= 11)) {
    return "missing or repeated Host header";
  }
  return nullptr;
}

// The server's sessions: compiled here once, not in every includer of session.h.
template class BasicSession<boost::beast::tcp_stream>;

}  // namespace twirp::internal
