#include "twirpcpp/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/in_process_transport.h"
#include "server/server_core.h"
#include "server/session.h"
#include "twirpcpp/detail/unary_route.h"
#include "twirpcpp/log.h"

namespace twirp {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// The soft RLIMIT_NOFILE after raising it to the hard limit, which happens once
// per process; 0 when it cannot be read. Many systems start processes at a soft
// limit of 1024, far below max_connections' default.
std::size_t RaisedDescriptorLimit() {
  static const std::size_t limit = [] {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return std::size_t{0};
    if (lim.rlim_cur != lim.rlim_max) {
      rlimit raised = lim;
      raised.rlim_cur = lim.rlim_max;
      if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    if (lim.rlim_cur == RLIM_INFINITY) return std::numeric_limits<std::size_t>::max();
    return static_cast<std::size_t>(lim.rlim_cur);
  }();
  return limit;
}

// How many connections may be open: max_connections, less a reserve of
// descriptors for the listener, files, outgoing clients and the like.
std::size_t ConnectionCap(std::size_t max_connections) {
  const std::size_t limit = RaisedDescriptorLimit();
  if (limit == 0) return max_connections;
  const std::size_t reserve = std::clamp<std::size_t>(limit / 8, 16, 1024);
  return std::min(max_connections, limit > reserve ? limit - reserve : 1);
}

}  // namespace

// Members are destroyed bottom-up: the acceptor, timers and worker pool go
// before the io_context (whose destruction releases the last sessions), and the
// shared core goes last because sessions report to it until then.
struct Server::Impl {
  explicit Impl(ServerOptions options)
      : core(std::move(options)),
        io(std::max(1, core.options.io_threads)),
        workers(static_cast<std::size_t>(std::max(1, core.options.worker_threads))),
        control(asio::make_strand(io)),
        acceptor(asio::make_strand(io)),
        metrics_acceptor(asio::make_strand(io)),
        grace_timer(control),
        work(io.get_executor()) {
    core.workers = &workers;
    core.on_drained = [this] {
      if (!finished.load()) asio::post(control, [this] { Finish(); });
    };
  }

  // Runs after ~Server joined every thread, before the members go.
  ~Impl() { core.ReleaseHandlers(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  asio::awaitable<void> AcceptLoop(tcp::acceptor& from, bool metrics_only);
  void CloseAcceptors();
  void BeginShutdown(std::chrono::milliseconds grace);  // on `control`
  void ForEachSession(void (internal::Session::*fn)());
  void Finish();  // on `control`
  void Join();
  bool InServerThread() {
    return io.get_executor().running_in_this_thread() ||
           workers.get_executor().running_in_this_thread();
  }

  internal::ServerCore core;
  asio::io_context io;
  asio::thread_pool workers;
  asio::strand<asio::io_context::executor_type> control;
  tcp::acceptor acceptor;
  tcp::acceptor metrics_acceptor;  // MetricsOptions::listen_address, when set
  asio::steady_timer grace_timer;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::size_t connection_cap = 0;  // set by Start: max_connections within the fd limit
  std::atomic<std::uint16_t> port{0};
  std::atomic<std::uint16_t> metrics_port{0};
  std::atomic<bool> started{false};
  std::atomic<bool> shutting_down{false};
  std::atomic<bool> finished{false};
  std::vector<std::thread> threads;
  std::mutex join_mutex;
  bool joined = false;
};

asio::awaitable<void> Server::Impl::AcceptLoop(tcp::acceptor& from, bool metrics_only) {
  asio::steady_timer backoff(from.get_executor());
  for (;;) {
    auto [ec, socket] =
        co_await from.async_accept(asio::make_strand(io), asio::as_tuple(asio::use_awaitable));
    if (!from.is_open() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors or similar: back off instead of spinning.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (core.stopping.load() ||
        core.metrics.connections() >= static_cast<std::int64_t>(connection_cap)) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    std::make_shared<internal::TcpSession>(core, boost::beast::tcp_stream(std::move(socket)),
                                           metrics_only)
        ->Start();
  }
}

void Server::Impl::ForEachSession(void (internal::Session::*fn)()) {
  std::vector<std::shared_ptr<internal::Session>> sessions;
  {
    std::lock_guard lock(core.sessions_mutex);
    for (auto& [raw, weak] : core.sessions) {
      if (auto session = weak.lock()) sessions.push_back(std::move(session));
    }
  }
  for (auto& session : sessions) ((*session).*fn)();
}

void Server::Impl::CloseAcceptors() {
  boost::system::error_code ignored;
  acceptor.close(ignored);
  metrics_acceptor.close(ignored);
}

void Server::Impl::BeginShutdown(std::chrono::milliseconds grace) {
  asio::post(acceptor.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
  });
  asio::post(metrics_acceptor.get_executor(), [this] {
    boost::system::error_code ignored;
    metrics_acceptor.close(ignored);
  });
  bool drained;
  {
    std::lock_guard lock(core.sessions_mutex);
    drained = core.sessions.empty();
  }
  if (drained) {
    Finish();
    return;
  }
  ForEachSession(&internal::Session::RequestShutdown);
  grace_timer.expires_after(grace);
  grace_timer.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // cancelled: every session ended in time
    ForEachSession(&internal::Session::Close);
    Finish();
  });
}

void Server::Impl::Finish() {
  if (finished.exchange(true)) return;
  grace_timer.cancel();
  work.reset();
  // Sessions still waiting on a blocking handler are released when the
  // io_context is destroyed.
  io.stop();
}

void Server::Impl::Join() {
  std::lock_guard lock(join_mutex);
  if (joined) return;
  for (auto& thread : threads) thread.join();
  // The close BeginShutdown posted may not have run before io.stop(); with the
  // threads gone it is safe here, so that later connections are refused rather
  // than queued on a socket nobody accepts from.
  CloseAcceptors();
  workers.stop();
  workers.join();
  joined = true;
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  // Before the first request: protobuf's per-request log lines go through the
  // rate-limited sink of twirpcpp/log.h, not straight to stderr.
  RouteProtobufLogs();
}

Server::~Server() {
  // Shutdown can only fail as its allocation or a thread join does: nothing a
  // destructor could recover from or report, so the process ends, as it would
  // for any exception leaving a destructor, but visibly so.
  try {
    Shutdown(std::chrono::milliseconds(0));
    Wait();
  } catch (...) {
    std::terminate();
  }
}

void detail::AddService(Server& server, ServiceRoutes routes) {
  server.AddService(std::move(routes));
}

Error detail::UnimplementedMethod(const MethodNames& method) {
  std::string name;
  if (!method.package.empty()) name.append(method.package).append(".");
  name.append(method.service).append(".").append(method.method);
  return UnimplementedError(name + " is not implemented");
}

void Server::AddService(detail::ServiceRoutes routes) {
  if (impl_->started.load()) {
    throw std::logic_error("twirp: AddService after Server::Start");
  }
  // The JSON types of every method are worked out now, so that no request does it.
  const std::string full_name = routes.package.empty()
                                    ? std::string(routes.name)
                                    : std::string(routes.package) + "." + std::string(routes.name);
  if (const auto* service =
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name)) {
    for (int i = 0; i < service->method_count(); ++i) {
      impl_->core.json_types.Prepare(*service->method(i)->input_type());
      impl_->core.json_types.Prepare(*service->method(i)->output_type());
    }
  }
  impl_->core.router.Add(std::move(routes));
}

void Server::Handle(std::string path_prefix, HttpHandler handler) {
  if (impl_->started.load()) {
    throw std::logic_error("twirp: Handle after Server::Start");
  }
  impl_->core.http_handlers.Add(std::move(path_prefix), std::move(handler));
}

namespace {

// Opens, binds and listens; the port bound (or 0, with `ec` set).
std::uint16_t OpenListener(tcp::acceptor& acceptor, std::string_view address, std::uint16_t port,
                           boost::system::error_code& ec) {
  const auto ip = asio::ip::make_address(std::string(address), ec);
  if (ec) return 0;
  const tcp::endpoint endpoint(ip, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  const std::uint16_t bound = ec ? 0 : acceptor.local_endpoint(ec).port();
  if (ec) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return 0;
  }
  return bound;
}

}  // namespace

std::error_code Server::Listen(std::string_view address, std::uint16_t port) {
  boost::system::error_code ec;
  impl_->port = OpenListener(impl_->acceptor, address, port, ec);
  if (ec) return ec;
  const MetricsOptions& metrics = impl_->core.options.metrics;
  if (metrics.enabled && !metrics.listen_address.empty() && !impl_->metrics_acceptor.is_open()) {
    impl_->metrics_port =
        OpenListener(impl_->metrics_acceptor, metrics.listen_address, metrics.listen_port, ec);
    if (ec) {
      boost::system::error_code ignored;
      impl_->acceptor.close(ignored);
      impl_->port = 0;
    }
  }
  return ec;
}

std::uint16_t Server::port() const { return impl_->port.load(); }

std::uint16_t Server::metrics_port() const { return impl_->metrics_port.load(); }

void Server::Start() {
  Impl& s = *impl_;
  if (s.shutting_down.load() || s.started.exchange(true)) return;
  // Counters for every method exist before the first request, so recording
  // one never allocates or locks.
  for (const auto& service : s.core.router.services()) {
    for (const auto& method : service->methods) {
      method->metrics = s.core.metrics.Add(service->full_name, method->camel_name);
    }
  }
  s.core.serving = true;
  s.connection_cap = ConnectionCap(s.core.options.max_connections);
  if (s.acceptor.is_open()) {
    asio::co_spawn(s.acceptor.get_executor(), s.AcceptLoop(s.acceptor, false), asio::detached);
  }
  if (s.metrics_acceptor.is_open()) {
    asio::co_spawn(s.metrics_acceptor.get_executor(), s.AcceptLoop(s.metrics_acceptor, true),
                   asio::detached);
  }
  const int io_threads = std::max(1, s.core.options.io_threads);
  for (int i = 0; i < io_threads; ++i) {
    s.threads.emplace_back([&s] { s.io.run(); });
  }
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  Impl& s = *impl_;
  if (!s.shutting_down.exchange(true)) {
    s.core.stopping = true;
    if (s.started.load()) {
      asio::post(s.control, [&s, grace] { s.BeginShutdown(grace); });
    } else {
      s.CloseAcceptors();
      s.finished = true;
    }
  }
  // From a handler or hook, blocking here would wait for ourselves: the
  // shutdown proceeds on its own and Wait() observes its end.
  if (!s.InServerThread()) Wait();
}

void Server::Wait() {
  if (impl_->started.load()) impl_->Join();
}

std::shared_ptr<Transport> Server::InProcessTransport() {
  return internal::MakeInProcessTransport(impl_->core);
}

const ServerOptions& Server::options() const { return impl_->core.options; }

const Metrics& Server::metrics() const { return impl_->core.metrics; }

}  // namespace twirp
