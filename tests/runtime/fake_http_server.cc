#include "fake_http_server.h"

#include <algorithm>
#include <cctype>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace twirp::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::optional<std::string> RecordedRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

Reply HttpReply(int status, std::string_view reason, std::string_view body,
                const std::vector<std::string>& extra, std::string_view content_type) {
  std::string bytes = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  if (!content_type.empty()) bytes += "Content-Type: " + std::string(content_type) + "\r\n";
  for (const std::string& line : extra) bytes += line + "\r\n";
  bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  bytes += body;
  return Reply{std::move(bytes)};
}

struct FakeHttpServer::Impl : std::enable_shared_from_this<Impl> {
  explicit Impl(Script s) : script(std::move(s)), acceptor(io) {}

  Script script;
  net::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<RecordedRequest> requests;
  int accepted = 0;
  int closed = 0;
  int open = 0;
  int max_open = 0;

  net::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
      if (ec) co_return;
      int index;
      {
        std::lock_guard lock(mutex);
        index = accepted++;
        max_open = std::max(max_open, ++open);
      }
      changed.notify_all();
      net::co_spawn(io, Serve(std::move(socket), index), net::detached);
    }
  }

  net::awaitable<void> Serve(tcp::socket socket, int connection) {
    beast::flat_buffer buffer;
    for (int n = 0;; ++n) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      auto [ec, read] = co_await http::async_read(socket, buffer, parser, kNoThrow);
      if (ec) break;
      RecordedRequest recorded;
      recorded.connection = connection;
      recorded.index_on_connection = n;
      const auto& message = parser.get();
      recorded.method = std::string(message.method_string());
      recorded.target = std::string(message.target());
      for (const auto& field : message) {
        recorded.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      recorded.body = message.body();
      Reply reply = script(recorded);
      {
        std::lock_guard lock(mutex);
        requests.push_back(std::move(recorded));
      }
      changed.notify_all();
      if (reply.delay.count() > 0) {
        net::steady_timer timer(io, reply.delay);
        co_await timer.async_wait(kNoThrow);
      }
      if (!reply.bytes.empty()) {
        auto [write_ec, written] =
            co_await net::async_write(socket, net::buffer(reply.bytes), kNoThrow);
        if (write_ec) break;
      }
      if (reply.then == Reply::Then::kClose) break;
      if (reply.then == Reply::Then::kCloseOnNextRequest) {
        // Close with the next request unread: the kernel answers it with RST,
        // as when a server drops an idle connection just as a request arrives.
        co_await socket.async_wait(tcp::socket::wait_read, kNoThrow);
        break;
      }
    }
    beast::error_code ignored;
    socket.close(ignored);
    {
      std::lock_guard lock(mutex);
      ++closed;
      --open;
    }
    changed.notify_all();
  }
};

FakeHttpServer::FakeHttpServer(Script script) : impl_(std::make_shared<Impl>(std::move(script))) {
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  net::co_spawn(impl_->io, impl_->Accept(), net::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

FakeHttpServer::~FakeHttpServer() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t FakeHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }
std::string FakeHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(port()); }

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}
int FakeHttpServer::connections_accepted() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->accepted;
}
int FakeHttpServer::connections_closed() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->closed;
}
int FakeHttpServer::max_open_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->max_open;
}

bool FakeHttpServer::WaitForRequests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}
bool FakeHttpServer::WaitForClosed(int n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->closed >= n; });
}

}  // namespace twirp::testing
