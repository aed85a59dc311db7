// The fault-injecting proxy on its own, in front of an echo server on
// 127.0.0.1 port 0, driven through blocking sockets with bounded waits.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "fault_proxy.h"

using domain_test::Fault;
using domain_test::FaultProxy;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

// Echoes every byte back, counting what it received.
class EchoServer {
 public:
  EchoServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0)) {
    asio::co_spawn(io_, Accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoServer() {
    io_.stop();
    thread_.join();
  }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::size_t received() const { return received_.load(); }

 private:
  asio::awaitable<void> Accept() {
    while (true) {
      auto [ec, socket] = co_await acceptor_.async_accept(kAwait);
      if (ec) co_return;
      asio::co_spawn(io_, Echo(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> Echo(tcp::socket socket) {
    std::array<char, 4096> buffer{};
    while (true) {
      auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), kAwait);
      if (ec) co_return;
      received_ += n;
      auto [write_error, written] =
          co_await asio::async_write(socket, asio::buffer(buffer.data(), n), kAwait);
      if (write_error) co_return;
    }
  }

  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  std::atomic<std::size_t> received_{0};
  std::thread thread_;
};

// A blocking client socket; every read bounded.
class Peer {
 public:
  enum class End { kOpen, kEof, kReset };
  struct Read {
    std::string data;
    End end = End::kOpen;
  };

  explicit Peer(std::uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~Peer() { close(fd_); }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  void Send(const std::string& bytes) const {
    REQUIRE(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }

  // Until `want` bytes, the end of the stream, or `within` has passed.
  Read ReadFor(std::size_t want, std::chrono::milliseconds within) const {
    Read read;
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (read.data.size() < want) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd readable{.fd = fd_, .events = POLLIN, .revents = 0};
      if (poll(&readable, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[4096];
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) {
        read.end = End::kEof;
        break;
      }
      if (n < 0) {
        read.end = errno == ECONNRESET ? End::kReset : End::kEof;
        break;
      }
      read.data.append(buffer, static_cast<std::size_t>(n));
    }
    return read;
  }

 private:
  int fd_;
};

bool Connects(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return connected;
}

template <class F>
bool Eventually(F condition, std::chrono::milliseconds within = 2s) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace

TEST_CASE("A passing fault proxy forwards both ways and passes a clean close on", "[domain]") {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  Peer peer(proxy.port());
  peer.Send("hello");
  CHECK(peer.ReadFor(5, 2s).data == "hello");
  CHECK(proxy.accepted() == 1);
}

TEST_CASE("A delaying fault proxy holds each chunk for the delay in each direction", "[domain]") {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  proxy.Set(Fault::Delay(150ms));
  Peer peer(proxy.port());
  const auto start = std::chrono::steady_clock::now();
  peer.Send("ping");
  CHECK(peer.ReadFor(4, 3s).data == "ping");
  CHECK(std::chrono::steady_clock::now() - start >= 300ms);
}

TEST_CASE("A fault proxy resetting after N bytes forwards N bytes then sends RST", "[domain]") {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  proxy.Set(Fault::ResetAfter(4));
  Peer peer(proxy.port());
  peer.Send("0123456789");
  const Peer::Read read = peer.ReadFor(10, 2s);
  CHECK(read.data.empty());
  CHECK(read.end == Peer::End::kReset);
  CHECK(Eventually([&] { return echo.received() == 4; }));
}

TEST_CASE("A fault proxy resetting after N bytes of the answer lets the request through",
          "[domain]") {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  proxy.Set(Fault::ResetAfter(3, Fault::Counting::kFromTarget));
  Peer peer(proxy.port());
  peer.Send("abcdef");
  const Peer::Read read = peer.ReadFor(6, 2s);
  CHECK(read.data == "abc");
  CHECK(read.end == Peer::End::kReset);
  CHECK(echo.received() == 6);
}

TEST_CASE("A black-holing fault proxy swallows new and open connections without an answer",
          "[domain]") {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  Peer open(proxy.port());
  open.Send("before");
  REQUIRE(open.ReadFor(6, 2s).data == "before");

  proxy.Set(Fault::BlackHole());
  Peer fresh(proxy.port());
  fresh.Send("anyone?");
  open.Send("still there?");
  for (const Peer* peer : {&fresh, &open}) {
    const Peer::Read read = peer->ReadFor(1, 300ms);
    CHECK(read.data.empty());
    CHECK(read.end == Peer::End::kOpen);
  }
  CHECK(echo.received() == 6);

  // Back to pass: new connections go through; the swallowed ones stay dead
  // until cut.
  proxy.Set(Fault::Pass());
  Peer later(proxy.port());
  later.Send("again");
  CHECK(later.ReadFor(5, 2s).data == "again");
  CHECK(open.ReadFor(1, 200ms).end == Peer::End::kOpen);
  proxy.Cut();
  CHECK(open.ReadFor(1, 2s).end == Peer::End::kReset);
  CHECK(fresh.ReadFor(1, 2s).end == Peer::End::kReset);
}

TEST_CASE("A refusing fault proxy refuses connects and resets open ones on their next chunk",
          "[domain]") {
  EchoServer echo;
  FaultProxy proxy(echo.port());
  Peer open(proxy.port());
  open.Send("x");
  REQUIRE(open.ReadFor(1, 2s).data == "x");

  proxy.Set(Fault::Refuse());
  CHECK_FALSE(Connects(proxy.port()));
  open.Send("y");
  CHECK(open.ReadFor(1, 2s).end == Peer::End::kReset);
  CHECK(echo.received() == 1);

  proxy.Set(Fault::Pass());
  Peer later(proxy.port());
  later.Send("z");
  CHECK(later.ReadFor(1, 2s).data == "z");
  CHECK(proxy.accepted() == 2);
}

TEST_CASE("A fault proxy shuts down promptly with connections open and chunks delayed",
          "[domain]") {
  EchoServer echo;
  const auto start = std::chrono::steady_clock::now();
  {
    FaultProxy proxy(echo.port());
    Peer swallowed(proxy.port());
    proxy.Set(Fault::Delay(10s));
    Peer delayed(proxy.port());
    delayed.Send("slow");
    REQUIRE(Eventually([&] { return proxy.accepted() == 2; }));
  }
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}
