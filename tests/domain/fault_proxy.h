// A TCP proxy for tests that puts a fault between two tiers: it listens on
// 127.0.0.1 port 0, forwards each connection it accepts to a target port on
// 127.0.0.1, and applies the fault currently set, which a test may change at
// any time from its own thread. The fault applies to every chunk as it passes,
// so that it reaches the connections a caller's pool already holds, not only
// new ones:
//
//   pass        forward at once
//   delay D     forward each chunk D after it arrived, in order
//   reset N     forward N more bytes (from the fault's start, per connection and
//               in the chosen direction), then reset both sides (RST: SO_LINGER 0)
//   black-hole  read and drop everything, never forward or answer; a connection
//               that met it stays dead (its bytes are lost) until its peer or
//               Cut() closes it
//   refuse      stop listening (a connect is refused, as with nobody there), and
//               reset open connections at their next chunk
//
// Back to pass, new connections and the open ones still intact go through.
// Runs on a thread of its own; the destructor closes everything and joins it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace domain_test {

struct Fault {
  enum class Kind { kPass, kDelay, kReset, kBlackHole, kRefuse };
  // Which bytes a reset counts.
  enum class Counting {
    kEither,      // both directions together: N small cuts the request
    kFromTarget,  // only what the target sends back: the request arrives, the answer is cut
  };

  Kind kind = Kind::kPass;
  std::chrono::milliseconds delay{0};
  std::size_t bytes = 0;
  Counting counting = Counting::kEither;

  static Fault Pass() { return {}; }
  static Fault Delay(std::chrono::milliseconds each_chunk) {
    return {.kind = Kind::kDelay, .delay = each_chunk};
  }
  static Fault ResetAfter(std::size_t bytes, Counting counting = Counting::kEither) {
    return {.kind = Kind::kReset, .bytes = bytes, .counting = counting};
  }
  static Fault BlackHole() { return {.kind = Kind::kBlackHole}; }
  static Fault Refuse() { return {.kind = Kind::kRefuse}; }

  // "pass", "delay 50 ms", "reset after 16 bytes", ...: for test messages.
  std::string Describe() const;
};

class FaultProxy {
 public:
  // Throws std::runtime_error when it cannot listen.
  explicit FaultProxy(std::uint16_t target_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT", to hand to a caller as its upstream's URL.
  std::string url() const;

  // Applies from the next chunk and the next accepted connection on.
  void Set(const Fault& fault);
  // Resets every open connection, and returns once that is done (or after 5 s).
  void Cut();

  // Connections accepted so far, whatever became of them.
  std::size_t accepted() const;

  // What the io thread works on (fault_proxy.cc).
  struct State;

 private:
  std::unique_ptr<State> state_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace domain_test
