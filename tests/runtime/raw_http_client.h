// A deliberately dumb HTTP/1.1 client over a blocking socket, for server tests
// that must send exact (also malformed) bytes and see exact responses. Every
// wait is bounded.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twirp::testing {

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First value of a header, matched case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
  int HeaderCount(std::string_view name) const;
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:port; connected() tells whether it worked.
  explicit RawConnection(std::uint16_t port,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes) const;
  // The next response (Content-Length framed, as the server always sends);
  // nullopt on close, error or timeout. The answer to a HEAD request has no
  // body whatever its Content-Length says: pass `to_head`.
  std::optional<HttpResponse> ReadResponse(bool to_head = false);
  // True when something (a byte, the close, a reset) is waiting to be read now.
  bool Readable();
  // True when the server closes the connection (EOF or reset) within `within`;
  // anything it still sends is discarded.
  bool WaitForClose(std::chrono::milliseconds within);

 private:
  // Reads more into buffer_ until `deadline`; false on close, error or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

// A complete request: request line, Host, the given headers (each "Name: value"),
// Content-Length, body.
std::string BuildRequest(std::string_view method, std::string_view target,
                         const std::vector<std::string>& headers, std::string_view body);
// The common case: POST with a Content-Type.
std::string PostRequest(std::string_view target, std::string_view content_type,
                        std::string_view body, std::vector<std::string> headers = {});

// Sends one request on a new connection and reads its response.
std::optional<HttpResponse> RoundTrip(std::uint16_t port, std::string_view request);

}  // namespace twirp::testing
