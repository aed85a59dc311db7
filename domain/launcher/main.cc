// reference-system --base-port N --data-dir DIR [--host 127.0.0.1] [--bin-dir DIR]
//                  [--trusted-proxies CIDR,...] [--rate-limit-token RPS:BURST]
//                  [--rate-limit-address RPS:BURST] [--rate-limit-signin PER_MINUTE]
//                  (the edge flags, passed on to the BFF)
//
// Starts the reference system as child processes, each on host:base+i:
//   foundation-users, foundation-tracks, foundation-likes, foundation-reposts (all
//   with --seed: a new data dir gets the deterministic data set), vas-tracks,
//   mobile-bff
// (--base-port 0: every service on a free port of its own choosing). Prints
//   NAME listening on http://HOST:PORT      one per service, once all are up
//   token USERNAME TOKEN                    one per demo user
//   reference-system ready
// once each has answered GET /readyz with 200 (wave by wave: a service starts
// once those it calls are ready), then runs until SIGINT or SIGTERM, which it
// forwards (upper tier first), and exits 0 once every child has stopped cleanly.
// A child that exits on its own is restarted on the same host:port with a
// backoff (100 ms doubling to 5 s) and announced again once ready, while the
// others keep serving; with --fail-fast the launcher stops the others and exits
// 1 instead. A child that exits before the system is ready stops everything.
// The children's own output goes to stderr.
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "edge/edge.h"
#include "process/child_process.h"
#include "process/health.h"
#include "process/service_process.h"
#include "seed/seed.h"

namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kName = "reference-system";

// The services in start order; each wave starts together and must be listening
// before the next one starts, because the next one is given its URLs.
enum Service { kUsers, kTracks, kLikes, kReposts, kVas, kBff, kServiceCount };
constexpr std::array<std::string_view, kServiceCount> kServiceNames = {
    "foundation-users",   "foundation-tracks", "foundation-likes",
    "foundation-reposts", "vas-tracks",        "mobile-bff"};
const std::vector<std::vector<Service>> kWaves = {
    {kUsers, kTracks, kLikes, kReposts}, {kVas}, {kBff}};

struct Flags {
  int base_port = -1;
  std::string data_dir;
  std::string host = "127.0.0.1";
  std::string bin_dir;
  int startup_timeout_ms = 60'000;
  int stop_grace_ms = 15'000;
  // A service's exit stops everything (exit 1) instead of a restart.
  bool fail_fast = false;
  bff::edge::EdgeFlags edge;
};

// Where a service's executable is: --bin-dir, else next to this binary (an
// installed layout), else where this build tree put it.
std::optional<std::string> FindBinary(const Flags& flags, std::string_view name) {
  std::vector<fs::path> candidates;
  if (!flags.bin_dir.empty()) {
    candidates.push_back(fs::path(flags.bin_dir) / name);
  } else {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(self.parent_path() / name);
#ifdef REFERENCE_SYSTEM_BUILD_BINS
    // "name=path|name=path|..." (CMake lists would split at ';')
    std::string_view built = REFERENCE_SYSTEM_BUILD_BINS;
    while (!built.empty()) {
      const auto bar = built.find('|');
      const std::string_view entry = built.substr(0, bar);
      built = bar == std::string_view::npos ? std::string_view() : built.substr(bar + 1);
      const auto eq = entry.find('=');
      if (entry.substr(0, eq) == name) candidates.emplace_back(entry.substr(eq + 1));
    }
#endif
  }
  for (const fs::path& candidate : candidates) {
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

// How a service that exits is brought back (docs/reference-system.md,
// "Supervision and health endpoints"): after kFirstBackoff, doubling with each
// exit up to kMaxBackoff; a run that lasted kStableUptime starts over at
// kFirstBackoff.
constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{5'000};
constexpr milliseconds kStableUptime{10'000};
// How often a service that is listening but not ready yet is asked again, and
// how long one GET /readyz may take (the launcher waits for it).
constexpr milliseconds kReadyPollInterval{50};
constexpr milliseconds kReadyProbeTimeout{250};

std::string Describe(int exit_code) {
  return exit_code > 128 ? "killed by signal " + std::to_string(exit_code - 128)
                         : "exit " + std::to_string(exit_code);
}

class Launcher {
 public:
  Launcher(Flags flags, int signal_fd) : flags_(std::move(flags)), signal_fd_(signal_fd) {}

  // Starts everything and serves until a signal (or, with --fail-fast, a
  // child's exit); the exit code.
  int Run() {
    for (const auto& wave : kWaves) {
      for (Service service : wave) {
        if (!Start(service)) return StopAll(1);
      }
      const auto deadline = Clock::now() + milliseconds(flags_.startup_timeout_ms);
      while (!PollReadiness(wave)) {
        if (Clock::now() >= deadline) {
          std::cerr << kName << ": services were not ready within " << flags_.startup_timeout_ms
                    << " ms\n";
          return StopAll(1);
        }
        const Event event = Wait(std::min(deadline, Clock::now() + kReadyPollInterval));
        if (event == Event::kStopRequested) return StopAll(0);
        // A service that cannot start on a fresh launch is a setup problem
        // (a port taken, a bad data dir): say so rather than retry forever.
        if (event == Event::kChildExited) return StopAll(1);
      }
    }
    for (int i = 0; i < kServiceCount; ++i) {
      std::cout << kServiceNames[i] << " listening on " << slots_[i].url << "\n";
    }
    for (const auto& user : foundation::seed::kDemoUsers) {
      std::cout << "token " << user.username << " " << user.token << "\n";
    }
    std::cout << kName << " ready" << std::endl;
    supervising_ = true;
    return Supervise();
  }

 private:
  enum class Event { kProgress, kStopRequested, kChildExited };

  // One service: its process while it runs, where it listens, and its restarts.
  struct Slot {
    std::optional<domain::ChildProcess> child;
    // "http://host:port" once known (from the flags, else its first announce);
    // every restart listens there again, so that its callers keep their URL.
    std::string url;
    domain::ListenAddress address;
    bool ready = false;  // GET /readyz answered 200 since the last start
    Clock::time_point started;
    milliseconds backoff = kFirstBackoff;
    std::optional<Clock::time_point> restart_at;
    int restarts = 0;
  };

  // Restarts the services that exit, until a signal.
  int Supervise() {
    while (true) {
      const Event event = Wait(NextWake());
      if (event == Event::kStopRequested) return StopAll(0);
      if (event == Event::kChildExited && flags_.fail_fast) return StopAll(1);
      RestartDue();
      AnnounceReady();
    }
  }

  // The next restart that is due, or the next readiness poll of a service
  // that was restarted; nullopt when nothing is pending.
  std::optional<Clock::time_point> NextWake() const {
    std::optional<Clock::time_point> wake;
    const auto earliest = [&wake](Clock::time_point at) {
      if (!wake || at < *wake) wake = at;
    };
    for (const Slot& slot : slots_) {
      if (slot.restart_at) earliest(*slot.restart_at);
      if (slot.child && slot.child->running() && !slot.ready) {
        earliest(Clock::now() + kReadyPollInterval);
      }
    }
    return wake;
  }

  void RestartDue() {
    for (int i = 0; i < kServiceCount; ++i) {
      Slot& slot = slots_[i];
      if (!slot.restart_at || *slot.restart_at > Clock::now()) continue;
      slot.restart_at.reset();
      ++slot.restarts;
      if (!Start(static_cast<Service>(i))) ScheduleRestart(static_cast<Service>(i));
    }
  }

  // Announces again, as at startup, each restarted service that has become
  // ready: whoever follows the launcher's output learns it is back, on the same URL.
  void AnnounceReady() {
    for (int i = 0; i < kServiceCount; ++i) {
      Slot& slot = slots_[i];
      if (!slot.child || !slot.child->running() || slot.ready || !PollReadiness(slot)) continue;
      std::cout << kServiceNames[i] << " listening on " << slot.url << std::endl;
      std::cerr << kName << ": " << kServiceNames[i] << " is ready again (restart " << slot.restarts
                << ")\n";
    }
  }

  bool Start(Service service) {
    const std::string name(kServiceNames[service]);
    const auto binary = FindBinary(flags_, name);
    if (!binary) {
      std::cerr << kName << ": cannot find the " << name << " executable"
                << (flags_.bin_dir.empty() ? "" : " in --bin-dir " + flags_.bin_dir) << "\n";
      return false;
    }
    Slot& slot = slots_[service];
    if (slot.url.empty() && flags_.base_port != 0) {
      SetUrl(slot, "http://" + flags_.host + ":" +
                       std::to_string(flags_.base_port + static_cast<int>(service)));
    }
    const int port = slot.url.empty() ? 0 : slot.address.port;
    std::vector<std::string> argv = {*binary, "--listen", flags_.host + ":" + std::to_string(port)};
    switch (service) {
      case kUsers:
      case kTracks:
      case kLikes:
      case kReposts: argv.insert(argv.end(), {"--data-dir", flags_.data_dir, "--seed"}); break;
      case kVas:
        argv.insert(argv.end(), {"--track-metadata-url", slots_[kTracks].url, "--likes-url",
                                 slots_[kLikes].url, "--users-url", slots_[kUsers].url});
        break;
      case kBff:
        argv.insert(argv.end(),
                    {"--tracks-url", slots_[kVas].url, "--users-url", slots_[kUsers].url});
        for (std::string& arg : flags_.edge.Args()) argv.push_back(std::move(arg));
        break;
      case kServiceCount: break;
    }
    slot.child.reset();
    slot.ready = false;
    try {
      // A terminal's Ctrl-C reaches the launcher only, which stops the services
      // in order; a launcher that is killed leaves none of them behind.
      slot.child.emplace(argv, domain::ChildProcessOptions{.own_process_group = true,
                                                           .terminate_with_parent = true});
    } catch (const std::runtime_error& e) {
      std::cerr << kName << ": " << e.what() << "\n";
      return false;
    }
    slot.started = Clock::now();
    return true;
  }

  static void SetUrl(Slot& slot, std::string url) {
    slot.url = std::move(url);
    if (!domain::ParseHttpUrl(slot.url, slot.address)) slot.address = {};
  }

  // Whether the service answers GET /readyz with 200; asks when its URL is
  // known and it was not ready yet.
  static bool PollReadiness(Slot& slot) {
    if (!slot.ready && !slot.url.empty() && slot.address.port != 0) {
      slot.ready = domain::HttpGetStatusBlocking(slot.address, std::string(domain::kReadyzPath),
                                                 kReadyProbeTimeout) == 200;
    }
    return slot.ready;
  }

  bool PollReadiness(const std::vector<Service>& wave) {
    bool all = true;
    for (Service service : wave) all = PollReadiness(slots_[service]) && all;
    return all;
  }

  void ScheduleRestart(Service service) {
    Slot& slot = slots_[service];
    if (Clock::now() - slot.started >= kStableUptime) slot.backoff = kFirstBackoff;
    slot.restart_at = Clock::now() + slot.backoff;
    std::cerr << kName << ": restarting " << kServiceNames[service] << " in "
              << slot.backoff.count() << " ms\n";
    slot.backoff = std::min(slot.backoff * 2, kMaxBackoff);
  }

  // Waits for the next thing to happen, until `deadline` at most: output, a
  // signal, a child's exit.
  Event Wait(std::optional<Clock::time_point> deadline) {
    std::vector<pollfd> fds{{signal_fd_, POLLIN, 0}};
    std::vector<Service> readers;
    for (int i = 0; i < kServiceCount; ++i) {
      const Slot& slot = slots_[i];
      if (!slot.child || slot.child->stdout_fd() < 0) continue;
      fds.push_back({slot.child->stdout_fd(), POLLIN, 0});
      readers.push_back(static_cast<Service>(i));
    }
    int timeout = -1;
    if (deadline) {
      const auto left = std::chrono::ceil<milliseconds>(*deadline - Clock::now()).count();
      timeout = static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
    }
    if (poll(fds.data(), fds.size(), timeout) < 0) return Event::kProgress;  // EINTR
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const Service service = readers[i - 1];
      for (const std::string& line : slots_[service].child->ReadLines()) OnLine(service, line);
    }
    if ((fds[0].revents & POLLIN) == 0) return Event::kProgress;
    signalfd_siginfo info;
    if (read(signal_fd_, &info, sizeof info) != sizeof info) return Event::kProgress;
    if (info.ssi_signo == SIGINT || info.ssi_signo == SIGTERM) {
      std::cerr << kName << ": " << (info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM")
                << ", stopping the services\n";
      return Event::kStopRequested;
    }
    // SIGCHLD: several exits may share one signal.
    return ReapExited() ? Event::kChildExited : Event::kProgress;
  }

  // Reaps the children that have exited and, once supervising (without
  // --fail-fast), schedules their restarts; whether any had exited.
  bool ReapExited() {
    bool any = false;
    for (int i = 0; i < kServiceCount; ++i) {
      Slot& slot = slots_[i];
      if (!slot.child || !slot.child->running()) continue;
      const auto code = slot.child->Reap();
      if (!code) continue;
      for (const std::string& line : slot.child->ReadLines()) OnLine(static_cast<Service>(i), line);
      any = true;
      std::cerr << kName << ": " << kServiceNames[i] << " exited unexpectedly (" << Describe(*code)
                << ")";
      if (!supervising_ || flags_.fail_fast) {
        std::cerr << "; stopping the others\n";
      } else {
        std::cerr << "\n";
        ScheduleRestart(static_cast<Service>(i));
      }
    }
    return any;
  }

  void OnLine(Service service, const std::string& line) {
    const std::string marker = std::string(kServiceNames[service]) + " listening on ";
    if (line.starts_with(marker)) {
      // The launcher announces the service itself once it is ready.
      if (slots_[service].url.empty()) SetUrl(slots_[service], line.substr(marker.size()));
      return;
    }
    std::cerr << line << "\n";
  }

  // Stops the children, upper tier first, so that nothing calls a service that
  // is already gone; `code`, or 1 if a child did not stop cleanly.
  int StopAll(int code) {
    for (int i = kServiceCount - 1; i >= 0; --i) {
      Slot& slot = slots_[i];
      slot.restart_at.reset();
      if (!slot.child || !slot.child->running()) continue;
      const std::optional<int> exit_code = slot.child->Stop(milliseconds(flags_.stop_grace_ms));
      for (const std::string& line : slot.child->ReadLines()) std::cerr << line << "\n";
      if (!exit_code) {
        std::cerr << kName << ": " << kServiceNames[i] << " did not stop within "
                  << flags_.stop_grace_ms << " ms; killed it\n";
        code = 1;
      } else if (*exit_code != 0) {
        std::cerr << kName << ": " << kServiceNames[i] << " exited with code " << *exit_code
                  << "\n";
        code = 1;
      }
    }
    return code;
  }

  Flags flags_;
  int signal_fd_;
  std::array<Slot, kServiceCount> slots_;
  // Set once every service was ready: from then on an exit means a restart.
  bool supervising_ = false;
};

}  // namespace

int main(int argc, char* argv[]) {
  Flags flags;
  po::options_description description(std::string(kName) + " options");
  description.add_options()("help,h", "show this help")(
      "base-port", po::value(&flags.base_port)->required(),
      "services listen on base-port .. base-port+5 (0: free ports, printed)")(
      "data-dir", po::value(&flags.data_dir)->required(),
      "directory of the foundation services' databases (seeded when new)")(
      "host", po::value(&flags.host)->default_value("127.0.0.1"), "address to listen on")(
      "bin-dir", po::value(&flags.bin_dir),
      "directory of the service executables (default: next to this one, else the build tree)")(
      "startup-timeout-ms", po::value(&flags.startup_timeout_ms)->default_value(60'000),
      "time each wave of services gets to be ready (GET /readyz)")(
      "stop-grace-ms", po::value(&flags.stop_grace_ms)->default_value(15'000),
      "time each service gets to stop before it is killed")(
      "fail-fast", po::bool_switch(&flags.fail_fast),
      "when a service exits, stop the others and exit 1 instead of restarting it");
  flags.edge.AddTo(description);
  if (auto exit_code = domain::ParseFlags(kName, argc, argv, description)) return *exit_code;
  if (bff::edge::EdgeOptions checked; !flags.edge.Apply(kName, checked)) return 2;
  if (flags.base_port < 0 || flags.base_port + kServiceCount - 1 > 65535 ||
      flags.startup_timeout_ms < 1 || flags.stop_grace_ms < 1) {
    std::cerr << kName << ": --base-port must be 0 or leave room for " << kServiceCount
              << " ports; timeouts must be positive\n";
    return 2;
  }
  std::error_code ec;
  fs::create_directories(flags.data_dir, ec);
  if (ec) {
    std::cerr << kName << ": cannot create --data-dir " << flags.data_dir << ": " << ec.message()
              << "\n";
    return 1;
  }

  // Signals arrive on a descriptor, beside the children's output, in one poll.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGCHLD);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  // A child whose stdout we stop reading must not kill us when it writes.
  signal(SIGPIPE, SIG_IGN);
  const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);
  if (signal_fd < 0) {
    std::cerr << kName << ": signalfd failed\n";
    return 1;
  }
  Launcher launcher(std::move(flags), signal_fd);
  const int code = launcher.Run();
  close(signal_fd);
  return code;
}
