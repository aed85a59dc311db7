#include "fault_proxy.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <future>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace domain_test {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr auto kCallTimeout = std::chrono::seconds(5);

// Close with RST rather than FIN, as a crashed peer or a middlebox does.
void Abort(tcp::socket& socket) {
  if (!socket.is_open()) return;
  boost::system::error_code ignored;
  socket.set_option(tcp::socket::linger(true, 0), ignored);
  socket.close(ignored);
}

}  // namespace

std::string Fault::Describe() const {
  switch (kind) {
    case Kind::kPass: return "pass";
    case Kind::kDelay: return "delay " + std::to_string(delay.count()) + " ms";
    case Kind::kReset:
      return "reset after " + std::to_string(bytes) + " bytes" +
             (counting == Counting::kFromTarget ? " of the answer" : "");
    case Kind::kBlackHole: return "black-hole";
    case Kind::kRefuse: return "refuse";
  }
  return "?";
}

class Connection;

struct FaultProxy::State {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  tcp::acceptor acceptor{io};
  std::uint16_t target_port = 0;
  std::atomic<std::size_t> accepted{0};
  std::uint64_t listening = 0;  // bumped by every Listen, to end the previous accept loop
  // Only the io thread touches these.
  std::list<std::weak_ptr<Connection>> connections;

  std::mutex mutex;  // guards the two below, which the test thread sets
  Fault fault;
  std::uint64_t generation = 0;  // bumped by every Set, to restart the reset counters

  std::pair<Fault, std::uint64_t> Current() {
    const std::lock_guard lock(mutex);
    return {fault, generation};
  }

  // Runs `job` on the io thread and waits for it, at most kCallTimeout.
  template <class F>
  void RunOnIoThread(F job) {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    asio::post(io, [job = std::move(job), done] {
      job();
      done->set_value();
    });
    future.wait_for(kCallTimeout);
  }
};

// One accepted connection and its way to the target. All on the io thread.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(FaultProxy::State& state, tcp::socket client)
      : state_(state), client_(std::move(client)), target_(state.io) {}

  void Start() {
    const Fault fault = CurrentFault();
    if (fault.kind == Fault::Kind::kRefuse) return Reset();
    if (fault.kind == Fault::Kind::kBlackHole) {
      black_holed_ = true;
      Spawn(/*from_target=*/false);
      return;
    }
    asio::co_spawn(state_.io, Connect(shared_from_this()), asio::detached);
  }

  // Both sides closed with RST.
  void Reset() {
    dead_ = true;
    Abort(client_);
    Abort(target_);
  }

 private:
  static asio::awaitable<void> Connect(std::shared_ptr<Connection> self) {
    const tcp::endpoint target(asio::ip::make_address_v4("127.0.0.1"), self->state_.target_port);
    auto [ec] = co_await self->target_.async_connect(target, kAwait);
    if (self->dead_ || self->black_holed_) co_return;
    if (ec) {
      self->Reset();
      co_return;
    }
    self->Spawn(/*from_target=*/false);
    self->Spawn(/*from_target=*/true);
  }

  void Spawn(bool from_target) {
    asio::co_spawn(state_.io, Pump(shared_from_this(), from_target), asio::detached);
  }

  // The fault in force, with the reset counter restarted when it is a new one.
  Fault CurrentFault() {
    auto [fault, generation] = state_.Current();
    if (generation != generation_) {
      generation_ = generation;
      counted_ = 0;
    }
    return fault;
  }

  void BlackHole() {
    black_holed_ = true;
    boost::system::error_code ignored;
    target_.close(ignored);
  }

  // One direction: read a chunk, apply the fault, write it on.
  static asio::awaitable<void> Pump(std::shared_ptr<Connection> self, bool from_target) {
    tcp::socket& from = from_target ? self->target_ : self->client_;
    tcp::socket& to = from_target ? self->client_ : self->target_;
    asio::steady_timer timer(self->state_.io);
    std::array<char, 16 * 1024> buffer{};
    while (true) {
      auto [read_error, n] = co_await from.async_read_some(asio::buffer(buffer), kAwait);
      if (self->dead_) co_return;
      if (self->black_holed_) {
        if (from_target) co_return;
        if (read_error) {
          boost::system::error_code ignored;
          self->client_.close(ignored);
          co_return;
        }
        continue;  // dropped
      }
      if (read_error) {
        if (read_error != asio::error::eof) {
          self->Reset();
          co_return;
        }
        // A clean close travels on as one.
        boost::system::error_code ignored;
        to.shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }

      const Fault fault = self->CurrentFault();
      std::size_t forward = n;
      bool reset_after = false;
      switch (fault.kind) {
        case Fault::Kind::kPass: break;
        case Fault::Kind::kDelay: {
          timer.expires_after(fault.delay);
          co_await timer.async_wait(kAwait);
          if (self->dead_) co_return;
          if (self->black_holed_) continue;
          break;
        }
        case Fault::Kind::kReset:
          if (from_target || fault.counting == Fault::Counting::kEither) {
            forward = std::min(n, fault.bytes - std::min(fault.bytes, self->counted_));
            self->counted_ += forward;
            reset_after = self->counted_ >= fault.bytes;
          }
          break;
        case Fault::Kind::kBlackHole: self->BlackHole(); continue;
        case Fault::Kind::kRefuse: self->Reset(); co_return;
      }
      if (forward > 0) {
        auto [write_error, written] =
            co_await asio::async_write(to, asio::buffer(buffer.data(), forward), kAwait);
        if (self->dead_) co_return;
        if (write_error) {
          self->Reset();
          co_return;
        }
      }
      if (reset_after) {
        self->Reset();
        co_return;
      }
    }
  }

  FaultProxy::State& state_;
  tcp::socket client_;
  tcp::socket target_;
  bool dead_ = false;
  bool black_holed_ = false;
  std::uint64_t generation_ = ~std::uint64_t{0};
  std::size_t counted_ = 0;
};

namespace {

asio::awaitable<void> AcceptLoop(FaultProxy::State& state, std::uint64_t listening) {
  while (true) {
    auto [ec, socket] = co_await state.acceptor.async_accept(kAwait);
    // Closed, and perhaps opened again by a later Set with a loop of its own.
    if (state.listening != listening || !state.acceptor.is_open()) co_return;
    if (ec) continue;
    ++state.accepted;
    std::erase_if(state.connections, [](const auto& weak) { return weak.expired(); });
    auto connection = std::make_shared<Connection>(state, std::move(socket));
    state.connections.push_back(connection);
    connection->Start();
  }
}

// Listens on `port` (0: any) and accepts there; false if it cannot.
bool Listen(FaultProxy::State& state, std::uint16_t port) {
  const tcp::endpoint local(asio::ip::make_address_v4("127.0.0.1"), port);
  boost::system::error_code ec;
  state.acceptor.open(local.protocol(), ec);
  if (!ec) state.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) state.acceptor.bind(local, ec);
  if (!ec) state.acceptor.listen(tcp::acceptor::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    state.acceptor.close(ignored);
    return false;
  }
  asio::co_spawn(state.io, AcceptLoop(state, ++state.listening), asio::detached);
  return true;
}

void ResetAll(FaultProxy::State& state) {
  for (const auto& weak : state.connections) {
    if (auto connection = weak.lock()) connection->Reset();
  }
  state.connections.clear();
}

}  // namespace

FaultProxy::FaultProxy(std::uint16_t target_port) : state_(std::make_unique<State>()) {
  state_->target_port = target_port;
  if (!Listen(*state_, 0)) throw std::runtime_error("fault proxy: cannot listen on 127.0.0.1");
  port_ = state_->acceptor.local_endpoint().port();
  thread_ = std::thread([state = state_.get()] { state->io.run(); });
}

FaultProxy::~FaultProxy() {
  state_->RunOnIoThread([state = state_.get()] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    ResetAll(*state);
  });
  state_->io.stop();
  thread_.join();
}

std::string FaultProxy::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FaultProxy::Set(const Fault& fault) {
  {
    const std::lock_guard lock(state_->mutex);
    state_->fault = fault;
    ++state_->generation;
  }
  // Refusing closes the port, so that a connect fails as with nobody
  // listening; any other fault listens on the same port again.
  const bool refuse = fault.kind == Fault::Kind::kRefuse;
  state_->RunOnIoThread([state = state_.get(), refuse, port = port_] {
    if (refuse && state->acceptor.is_open()) {
      boost::system::error_code ignored;
      state->acceptor.close(ignored);
    } else if (!refuse && !state->acceptor.is_open()) {
      // Should the port be taken meanwhile, connects fail and the test says so.
      Listen(*state, port);
    }
  });
}

void FaultProxy::Cut() {
  state_->RunOnIoThread([state = state_.get()] { ResetAll(*state); });
}

std::size_t FaultProxy::accepted() const { return state_->accepted.load(); }

}  // namespace domain_test
