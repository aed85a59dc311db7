// One client connection: reads requests with per-phase timeouts and size
// limits, hands each to ServeRequest, writes the responses in order, and
// closes when HTTP/1.1 keep-alive rules, an error or shutdown say so.
//
// BasicSession is a template on the stream so that tests can drive it over
// Beast's test::stream with failure injection; the member bodies are in
// server/session_impl.h, and the one production instantiation, over
// beast::tcp_stream (TcpSession), is compiled in session.cc.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/stream_ops.h"
#include "server/serve_request.h"
#include "server/server_core.h"

namespace twirp::internal {

// What the server's registry holds of a session, whatever its stream: the two
// calls Shutdown makes, once per connection (never per request).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session() = default;
  virtual ~Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // From any thread. Shutdown: an idle connection closes now, one with bytes of
  // a request received (even partly) after answering it with Connection: close
  // (docs/wire-protocol.md §5.19). Close: close the socket whatever it is doing.
  virtual void RequestShutdown() = 0;
  virtual void Close() = 0;
};

template <class Stream>
class BasicSession final : public Session, private ResponseSink {
 public:
  // `stream` must use a strand of the server's io_context as its executor (or
  // run on one thread). A session of the metrics listener serves
  // core.metrics_handlers only.
  BasicSession(ServerCore& core, Stream stream, bool metrics_only = false);
  ~BasicSession() override;
  BasicSession(const BasicSession&) = delete;
  BasicSession& operator=(const BasicSession&) = delete;

  // Registers with the server and starts serving on the stream's executor.
  void Start();

  void RequestShutdown() override;
  void Close() override;

 private:
  using Ops = StreamOps<Stream>;
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  boost::asio::awaitable<void> Run();
  // Waits for the first byte of the next request; false when the connection
  // should end instead (closed, idle timeout, shutdown).
  boost::asio::awaitable<bool> AwaitRequestStart(bool first);
  // During shutdown: reads what the client already sent, if anything; false
  // when nothing has arrived and the connection should close.
  boost::asio::awaitable<bool> ReadArrived();
  // Reads headers and body. On a malformed or oversized request it answers
  // with the error and returns false.
  boost::asio::awaitable<bool> ReadRequest();
  // Feeds buffered bytes to the parser up to the end of the header (or of the
  // message); a parse error, or none when the parser just needs more bytes.
  boost::beast::error_code ParseBuffered(bool header_only);
  // Handles one complete request; false when the connection must close.
  boost::asio::awaitable<bool> HandleRequest(std::chrono::steady_clock::time_point start);
  // Answers a read failure the client should hear about (malformed HTTP, a
  // limit exceeded), then closes.
  boost::asio::awaitable<void> FailRead(boost::beast::error_code ec);
  boost::asio::awaitable<void> WriteTransportError(Error error);
  // Sends FIN, then discards what the client still sends for a short while so
  // that the kernel does not answer unread data with a reset that would destroy
  // the response we just wrote.
  boost::asio::awaitable<void> LingeringClose();

  Awaitable<WriteOutcome> WriteResponse(int status, std::string_view content_type, std::string body,
                                        const Context::HeaderList& headers) override;
  std::string RemoteAddress() const override;

  std::shared_ptr<BasicSession> self() {
    return std::static_pointer_cast<BasicSession>(shared_from_this());
  }

  ServerCore& core_;
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  // Strand-only state.
  bool idle_ = false;
  bool keep_alive_ = true;    // decided by the last response written
  bool force_close_ = false;  // the response to this request ends the connection
  const bool metrics_only_;
  std::chrono::steady_clock::time_point request_start_;
};

using TcpSession = BasicSession<boost::beast::tcp_stream>;
extern template class BasicSession<boost::beast::tcp_stream>;

}  // namespace twirp::internal
