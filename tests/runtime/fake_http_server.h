// A scripted HTTP/1.1 server for client tests: raw Asio on 127.0.0.1:0, one
// thread. It records every request and answers with whatever bytes the script
// returns, and can delay, close, or close on the next request, so that tests
// can provoke the client's failure paths without a real Twirp server.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twirp::testing {

struct RecordedRequest {
  int connection = 0;           // index of the accepted connection, from 0
  int index_on_connection = 0;  // 0 for its first request
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;

  std::optional<std::string> Header(std::string_view name) const;
};

struct Reply {
  enum class Then {
    kKeepOpen,            // read the next request
    kClose,               // close after the reply (the client sees FIN)
    kCloseOnNextRequest,  // wait for the next request and close without reading it
  };
  std::string bytes;  // written verbatim; empty writes nothing
  std::chrono::milliseconds delay{0};
  Then then = Then::kKeepOpen;
};

// A complete response with Content-Length; `extra` header lines are "Name: value".
Reply HttpReply(int status, std::string_view reason, std::string_view body,
                const std::vector<std::string>& extra = {},
                std::string_view content_type = "application/protobuf");

class FakeHttpServer {
 public:
  using Script = std::function<Reply(const RecordedRequest&)>;

  explicit FakeHttpServer(Script script);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:<port>"

  std::vector<RecordedRequest> requests() const;
  int connections_accepted() const;
  int connections_closed() const;  // by either side
  int max_open_connections() const;

  // Wait (bounded) until the counts reach n; false on timeout.
  bool WaitForRequests(std::size_t n, std::chrono::milliseconds timeout) const;
  bool WaitForClosed(int n, std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace twirp::testing
