// The physical limit of the HTTP stack twirpcpp uses: a minimal Boost.Beast
// server, shaped like Beast's http_server_async example (a session per
// connection, a flat_buffer, string bodies, a timeout on every read), that
// answers every POST with the same 17-byte protobuf Hat and does nothing else:
// no routing, no decoding, no hooks, no metrics. One I/O thread, as
// haberdasher-server runs by default.
//
//   beast-baseline-server [--listen 127.0.0.1:0]
//
// Prints "listening on port N" once ready. A GET answers with the number of
// connections accepted so far (text), so that the client benchmark can check
// its pool never opened more connections than it had calls in flight.
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Hat{size: 14, color: "brown", name: "fedora"}: what haberdasher-server
// answers to the benchmark's Size{inches: 14}, byte for byte.
constexpr std::string_view kHat =
    "\x08\x0e\x12\x05"
    "brown"
    "\x1a\x06"
    "fedora";
static_assert(kHat.size() == 17);

std::uint64_t accepted = 0;  // only touched on the single I/O thread

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : stream_(std::move(socket)) {}

  void Start() { Read(); }

 private:
  void Read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(
        stream_, buffer_, request_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) return Close();
    response_ = {};
    response_.version(request_.version());
    response_.keep_alive(request_.keep_alive());
    if (request_.method() == http::verb::post) {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "application/protobuf");
      response_.body() = kHat;
    } else {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "text/plain");
      response_.body() = std::to_string(accepted);
    }
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->response_.keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, const tcp::endpoint& endpoint)
      : io_(io), acceptor_(io, endpoint) {}

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                             if (!ec) {
                               ++accepted;
                               std::make_shared<Session>(std::move(socket))->Start();
                             }
                             self->Accept();
                           });
  }

 private:
  asio::io_context& io_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char* argv[]) {
  std::string listen = "127.0.0.1:0";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      listen = argv[++i];
    } else {
      std::cerr << "usage: beast-baseline-server [--listen address:port]\n";
      return 2;
    }
  }
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "beast-baseline-server: --listen wants address:port\n";
    return 2;
  }
  try {
    asio::io_context io(1);
    const tcp::endpoint endpoint(asio::ip::make_address(listen.substr(0, colon)),
                                 static_cast<std::uint16_t>(std::stoul(listen.substr(colon + 1))));
    auto listener = std::make_shared<Listener>(io, endpoint);
    listener->Accept();
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](beast::error_code, int) { io.stop(); });
    std::cout << "beast-baseline-server listening on port " << listener->port() << std::endl;
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "beast-baseline-server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
