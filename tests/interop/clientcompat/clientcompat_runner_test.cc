// The runner side of Twirp's client compatibility suite (wire-protocol.md §7.3-7.11),
// reimplemented over our server, driving the twirpcpp-clientcompat binary as Go's
// `clientcompat -client=<binary>` would: same 21 cases, same verdicts, same output.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <catch2/catch.hpp>

#include "clientcompat.twirp.h"
#include "subprocess.h"
#include "twirpcpp/error.h"
#include "twirpcpp/server.h"

namespace {

namespace cc = twirp::clientcompat;
using namespace std::chrono_literals;

// CompatService whose handlers each case replaces (Go's clientCompat struct).
class ScriptedCompat final : public cc::CompatServiceBlocking {
 public:
  using NoopFn = std::function<twirp::Result<cc::Empty>(const cc::Empty&)>;
  using MethodFn = std::function<twirp::Result<cc::Resp>(const cc::Req&)>;

  void SetNoop(NoopFn fn) {
    std::lock_guard lock(mutex_);
    noop_ = std::move(fn);
  }
  void SetMethod(MethodFn fn) {
    std::lock_guard lock(mutex_);
    method_ = std::move(fn);
  }

  twirp::Result<cc::Resp> Method(twirp::Context&, const cc::Req& request) override {
    std::lock_guard lock(mutex_);
    return method_ ? method_(request) : twirp::Result<cc::Resp>(twirp::InternalError("no handler"));
  }
  twirp::Result<cc::Empty> NoopMethod(twirp::Context&, const cc::Empty& request) override {
    std::lock_guard lock(mutex_);
    return noop_ ? noop_(request) : twirp::Result<cc::Empty>(twirp::InternalError("no handler"));
  }

 private:
  std::mutex mutex_;
  NoopFn noop_;
  MethodFn method_;
};

// A plain HTTP server answering every request with 400 "garbage", as Go's
// runner's http.HandlerFunc does (§7.10). One connection at a time; every read
// is bounded.
class GarbageServer {
 public:
  GarbageServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) == 0);
    REQUIRE(::listen(listener_, 8) == 0);
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    REQUIRE(::pipe2(stop_, O_CLOEXEC) == 0);
    thread_ = std::thread([this] { Serve(); });
  }
  ~GarbageServer() {
    ::close(stop_[1]);
    thread_.join();
    ::close(stop_[0]);
    ::close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void Serve() {
    for (;;) {
      pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 || fds[1].revents != 0) return;
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      Answer(connection);
      ::close(connection);
    }
  }

  // Reads the request head and its Content-Length body (5 s at most), then answers.
  static void Answer(int connection) {
    std::string request;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    for (;;) {
      const auto head_end = request.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t body_length = 0;
        std::string lower = request.substr(0, head_end);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (const auto at = lower.find("content-length:"); at != std::string::npos) {
          body_length = std::stoul(lower.substr(at + 15));
        }
        if (request.size() >= head_end + 4 + body_length) break;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd fd{connection, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) return;
      char buffer[4096];
      const ssize_t n = ::read(connection, buffer, sizeof buffer);
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    const std::string response =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 7\r\n"
        "Connection: close\r\n\r\ngarbage";
    [[maybe_unused]] const ssize_t ignored =
        ::send(connection, response.data(), response.size(), MSG_NOSIGNAL);
  }

  int listener_ = -1;
  int stop_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// One run of the client binary (Go's runClient): the response bytes, or the
// Twirp error code, or a harness error.
struct ClientRun {
  std::string harness_error;  // non-empty: the case fails with it
  std::string code;           // the Twirp error code the client reported
  std::string response;       // binary response (meaningful when code is empty)
};

// The client executable: ours, or any other Twirp client's clientcompat binary
// named by TWIRPCPP_CLIENTCOMPAT_CLIENT (an absolute path).
std::string ClientBinary() {
  const char* other = std::getenv("TWIRPCPP_CLIENTCOMPAT_CLIENT");
  return other != nullptr && *other != '\0' ? other : TWIRPCPP_CLIENTCOMPAT;
}

ClientRun RunClient(const std::string& address, cc::ClientCompatMessage::CompatServiceMethod method,
                    const std::string& request, std::ostream& log) {
  cc::ClientCompatMessage message;
  message.set_service_address(address);
  message.set_method(method);
  message.set_request(request);
  const auto outcome =
      twirp::interop::RunProcess({ClientBinary()}, message.SerializeAsString(), 60s);
  ClientRun run;
  if (outcome.Describe() != "exit 0") {
    run.harness_error = "error running client binary: " + outcome.Describe();
    log << "\nclient stdout: " << outcome.out << "\nclient stderr: " << outcome.err << "\n";
  } else if (!outcome.out.empty() && !outcome.err.empty()) {
    run.harness_error =
        "client bin should write to either stdout or stderr, but never both in one invocation";
  } else {
    run.code = outcome.err;
    run.response = outcome.out;  // zero bytes is a valid, all-default response
  }
  return run;
}

// Go's main.go: prints as it goes, counts failures and successes.
class Runner {
 public:
  Runner(std::string address, ScriptedCompat& compat)
      : address_(std::move(address)), compat_(compat) {}

  void Start(const std::string& name) { log_ << "Testing " << name << "... "; }
  void Fail(const std::string& why) {
    ++failures_;
    log_ << "FAIL: " << why << "\n";
  }
  void Pass() {
    ++successes_;
    log_ << "PASS\n";
  }

  void NoopCase(const std::string& name, ScriptedCompat::NoopFn fn, const std::string& want_code) {
    Start(name);
    compat_.SetNoop(std::move(fn));
    const ClientRun run =
        RunClient(address_, cc::ClientCompatMessage::NOOP, cc::Empty().SerializeAsString(), log_);
    if (!run.harness_error.empty()) return Fail("error: " + run.harness_error);
    if (want_code.empty() && !run.code.empty()) {
      return Fail("client reported twirp error \"" + run.code + "\" when server did not error");
    }
    if (!want_code.empty() && run.code.empty()) {
      return Fail("client did not report err code when server errored, expected \"" + want_code +
                  "\"");
    }
    if (want_code != run.code) {
      return Fail("client reported wrong error code \"" + run.code + "\", want \"" + want_code +
                  "\"");
    }
    if (run.code.empty() && !cc::Empty().ParseFromString(run.response)) {
      return Fail("error: unable to unmarshal stdout from client bin as an Empty response");
    }
    Pass();
  }

  void MethodCase(const std::string& name, const cc::Req& request, ScriptedCompat::MethodFn fn,
                  const cc::Resp& want_response, const std::string& want_code) {
    Start(name);
    std::atomic<bool> called = false;
    compat_.SetMethod([&called, fn = std::move(fn)](const cc::Req& req) {
      called = true;
      return fn(req);
    });
    const ClientRun run =
        RunClient(address_, cc::ClientCompatMessage::METHOD, request.SerializeAsString(), log_);
    compat_.SetMethod(nullptr);
    if (!run.harness_error.empty()) return Fail("error: " + run.harness_error);
    cc::Resp response;
    if (run.code.empty() && !response.ParseFromString(run.response)) {
      return Fail("error: unable to unmarshal stdout from client bin as a Resp");
    }
    if (!called) return Fail("RPC Method was not called on server");
    if (want_code.empty() && !run.code.empty()) {
      return Fail("client reported twirp error \"" + run.code + "\" when server did not error");
    }
    if (!want_code.empty() && run.code.empty()) {
      return Fail("client did not report err code when server errored, expected \"" + want_code +
                  "\"");
    }
    if (want_code != run.code) {
      return Fail("client reported wrong error code \"" + run.code + "\", want \"" + want_code +
                  "\"");
    }
    if (!google::protobuf::util::MessageDifferencer::Equals(response, want_response)) {
      return Fail("client has wrong response, have {" + response.ShortDebugString() + "} want {" +
                  want_response.ShortDebugString() + "}");
    }
    Pass();
  }

  // §7.10; like Go's runner, counts a success even after a failure (§7.11).
  void InvalidErrorCase() {
    Start("handling invalid error formatting from server");
    GarbageServer garbage;
    const ClientRun run = RunClient(garbage.url(), cc::ClientCompatMessage::NOOP, "", log_);
    if (!run.harness_error.empty()) {
      Fail("err: " + run.harness_error);
    } else if (run.code != "internal") {
      Fail("wrong error code: " + run.code);
    }
    Pass();
  }

  std::string Summary() const {
    return std::string(failures_ > 0 ? "FAILED" : "PASSED") + " with " + std::to_string(failures_) +
           " failures, " + std::to_string(successes_) + " successes";
  }
  int failures() const { return failures_; }
  int successes() const { return successes_; }
  std::string log() const { return log_.str(); }

 private:
  std::string address_;
  ScriptedCompat& compat_;
  std::ostringstream log_;
  int failures_ = 0;
  int successes_ = 0;
};

}  // namespace

TEST_CASE("§7.3-7.11 twirpcpp-clientcompat passes Twirp's 21 client compatibility cases",
          "[interop][clientcompat]") {
  auto compat = std::make_shared<ScriptedCompat>();
  twirp::Server server;
  cc::RegisterCompatService(server, compat);
  REQUIRE_FALSE(server.Listen("127.0.0.1", 0));
  server.Start();
  // §7.5: the server root; the client adds the default /twirp prefix.
  Runner runner("http://127.0.0.1:" + std::to_string(server.port()), *compat);

  runner.NoopCase(
      "noop without error", [](const cc::Empty&) { return cc::Empty(); }, "");
  // §7.8: every code but malformed, in Go's order.
  for (const auto code :
       {twirp::ErrorCode::kCanceled, twirp::ErrorCode::kUnknown, twirp::ErrorCode::kInvalidArgument,
        twirp::ErrorCode::kDeadlineExceeded, twirp::ErrorCode::kNotFound,
        twirp::ErrorCode::kBadRoute, twirp::ErrorCode::kAlreadyExists,
        twirp::ErrorCode::kPermissionDenied, twirp::ErrorCode::kUnauthenticated,
        twirp::ErrorCode::kResourceExhausted, twirp::ErrorCode::kFailedPrecondition,
        twirp::ErrorCode::kAborted, twirp::ErrorCode::kOutOfRange, twirp::ErrorCode::kUnimplemented,
        twirp::ErrorCode::kInternal, twirp::ErrorCode::kUnavailable, twirp::ErrorCode::kDataLoss}) {
    const std::string name(twirp::CodeString(code));
    runner.NoopCase(
        "\"" + name + "\" error parsing",
        [code](const cc::Empty&) -> twirp::Result<cc::Empty> {
          return twirp::Error(code, "failed");
        },
        name);
  }
  // §7.9
  runner.MethodCase(
      "empty value", cc::Req(), [](const cc::Req&) { return cc::Resp(); }, cc::Resp(), "");
  cc::Req value;
  value.set_v("value");
  cc::Resp one;
  one.set_v(1);
  runner.MethodCase(
      "request value formatting", value,
      [](const cc::Req& req) -> twirp::Result<cc::Resp> {
        if (req.v() != "value") return twirp::InvalidArgumentError("V", "should be 'value'");
        cc::Resp resp;
        resp.set_v(1);
        return resp;
      },
      one, "");
  runner.InvalidErrorCase();

  server.Shutdown(2s);
  server.Wait();

  std::cout << runner.log() << runner.Summary() << std::endl;
  INFO(runner.log() << runner.Summary());
  CHECK(runner.failures() == 0);
  CHECK(runner.successes() == 21);
}
