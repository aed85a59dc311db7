// reference-system --base-port N --data-dir DIR [--host 127.0.0.1] [--bin-dir DIR]
//                  [--trusted-proxies CIDR,...] [--rate-limit-token RPS:BURST]
//                  [--rate-limit-address RPS:BURST] [--rate-limit-signin PER_MINUTE]
//                  (the edge flags, passed on to the BFF)
//
// Starts the reference system as child processes, each on host:base+i:
//   foundation-users, foundation-tracks, foundation-likes (all with --seed: a new
//   data dir gets the deterministic data set), vas-tracks, mobile-bff
// (--base-port 0: every service on a free port of its own choosing). Prints
//   NAME listening on http://HOST:PORT      one per service, once all are up
//   token USERNAME TOKEN                    one per demo user
//   reference-system ready
// then runs until SIGINT or SIGTERM, which it forwards (upper tier first) and
// exits 0 once every child has stopped cleanly. If a child exits on its own, the
// launcher stops the others and exits 1. The children's own output goes to stderr.
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
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "edge/edge.h"
#include "process/child_process.h"
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
enum Service { kUsers, kTracks, kLikes, kVas, kBff, kServiceCount };
constexpr std::array<std::string_view, kServiceCount> kServiceNames = {
    "foundation-users", "foundation-tracks", "foundation-likes", "vas-tracks", "mobile-bff"};
const std::vector<std::vector<Service>> kWaves = {{kUsers, kTracks, kLikes}, {kVas}, {kBff}};

struct Flags {
  int base_port = -1;
  std::string data_dir;
  std::string host = "127.0.0.1";
  std::string bin_dir;
  int startup_timeout_ms = 60'000;
  int stop_grace_ms = 15'000;
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

class Launcher {
 public:
  Launcher(Flags flags, int signal_fd) : flags_(std::move(flags)), signal_fd_(signal_fd) {}

  // Starts everything and serves until a signal or a child's exit; the exit code.
  int Run() {
    for (const auto& wave : kWaves) {
      for (Service service : wave) {
        if (!Start(service)) return StopAll(1);
      }
      const auto deadline = Clock::now() + milliseconds(flags_.startup_timeout_ms);
      while (!AllListening(wave)) {
        const Event event = Wait(deadline);
        if (event == Event::kStopRequested) return StopAll(0);
        if (event == Event::kChildExited) return StopAll(1);
        if (event == Event::kTimeout) {
          std::cerr << kName << ": services did not start within " << flags_.startup_timeout_ms
                    << " ms\n";
          return StopAll(1);
        }
      }
    }
    for (int i = 0; i < kServiceCount; ++i) {
      std::cout << kServiceNames[i] << " listening on " << urls_[i] << "\n";
    }
    for (const auto& user : foundation::seed::kDemoUsers) {
      std::cout << "token " << user.username << " " << user.token << "\n";
    }
    std::cout << kName << " ready" << std::endl;
    while (true) {
      const Event event = Wait(std::nullopt);
      if (event == Event::kStopRequested) return StopAll(0);
      if (event == Event::kChildExited) return StopAll(1);
    }
  }

 private:
  enum class Event { kProgress, kStopRequested, kChildExited, kTimeout };

  bool Start(Service service) {
    const std::string name(kServiceNames[service]);
    const auto binary = FindBinary(flags_, name);
    if (!binary) {
      std::cerr << kName << ": cannot find the " << name << " executable"
                << (flags_.bin_dir.empty() ? "" : " in --bin-dir " + flags_.bin_dir) << "\n";
      return false;
    }
    const int port = flags_.base_port == 0 ? 0 : flags_.base_port + static_cast<int>(service);
    std::vector<std::string> argv = {*binary, "--listen", flags_.host + ":" + std::to_string(port)};
    switch (service) {
      case kUsers:
      case kTracks:
      case kLikes: argv.insert(argv.end(), {"--data-dir", flags_.data_dir, "--seed"}); break;
      case kVas:
        argv.insert(argv.end(), {"--track-metadata-url", urls_[kTracks], "--likes-url",
                                 urls_[kLikes], "--users-url", urls_[kUsers]});
        break;
      case kBff:
        argv.insert(argv.end(), {"--tracks-url", urls_[kVas], "--users-url", urls_[kUsers]});
        for (std::string& arg : flags_.edge.Args()) argv.push_back(std::move(arg));
        break;
      case kServiceCount: break;
    }
    try {
      // A terminal's Ctrl-C reaches the launcher only, which stops the services
      // in order; a launcher that is killed leaves none of them behind.
      children_.try_emplace(
          service, argv,
          domain::ChildProcessOptions{.own_process_group = true, .terminate_with_parent = true});
    } catch (const std::runtime_error& e) {
      std::cerr << kName << ": " << e.what() << "\n";
      return false;
    }
    return true;
  }

  bool AllListening(const std::vector<Service>& wave) const {
    return std::ranges::all_of(wave, [&](Service service) { return !urls_[service].empty(); });
  }

  // Waits for the next thing to happen: output, a signal, a child's exit.
  Event Wait(std::optional<Clock::time_point> deadline) {
    std::vector<pollfd> fds{{signal_fd_, POLLIN, 0}};
    std::vector<Service> readers;
    for (auto& [service, child] : children_) {
      if (child.stdout_fd() < 0) continue;
      fds.push_back({child.stdout_fd(), POLLIN, 0});
      readers.push_back(service);
    }
    int timeout = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) return Event::kTimeout;
      timeout = static_cast<int>(std::min<long long>(left, INT_MAX));
    }
    if (poll(fds.data(), fds.size(), timeout) < 0) return Event::kProgress;  // EINTR
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const Service service = readers[i - 1];
      for (const std::string& line : children_.at(service).ReadLines()) OnLine(service, line);
    }
    if (fds[0].revents & POLLIN) return OnSignal();
    return Event::kProgress;
  }

  // A signal is waiting on the descriptor: a stop request, or children exited.
  Event OnSignal() {
    signalfd_siginfo info;
    if (read(signal_fd_, &info, sizeof info) != sizeof info) return Event::kProgress;
    if (info.ssi_signo == SIGINT || info.ssi_signo == SIGTERM) {
      std::cerr << kName << ": " << (info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM")
                << ", stopping the services\n";
      return Event::kStopRequested;
    }
    // SIGCHLD: several exits may share one signal.
    for (auto& [service, child] : children_) {
      if (auto code = child.Reap()) {
        std::cerr << kName << ": " << kServiceNames[service] << " exited unexpectedly (code "
                  << *code << "); stopping the others\n";
        return Event::kChildExited;
      }
    }
    return Event::kProgress;
  }

  void OnLine(Service service, const std::string& line) {
    const std::string marker = std::string(kServiceNames[service]) + " listening on ";
    if (urls_[service].empty() && line.starts_with(marker)) {
      urls_[service] = line.substr(marker.size());
      return;
    }
    std::cerr << line << "\n";
  }

  // Stops the children, upper tier first, so that nothing calls a service that
  // is already gone; `code`, or 1 if a child did not stop cleanly.
  int StopAll(int code) {
    for (int i = kServiceCount - 1; i >= 0; --i) {
      auto it = children_.find(static_cast<Service>(i));
      if (it == children_.end() || !it->second.running()) continue;
      const std::optional<int> exit_code = it->second.Stop(milliseconds(flags_.stop_grace_ms));
      for (const std::string& line : it->second.ReadLines()) std::cerr << line << "\n";
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
  std::map<Service, domain::ChildProcess> children_;
  std::array<std::string, kServiceCount> urls_;
};

}  // namespace

int main(int argc, char* argv[]) {
  Flags flags;
  po::options_description description(std::string(kName) + " options");
  description.add_options()("help,h", "show this help")(
      "base-port", po::value(&flags.base_port)->required(),
      "services listen on base-port .. base-port+4 (0: free ports, printed)")(
      "data-dir", po::value(&flags.data_dir)->required(),
      "directory of the foundation services' databases (seeded when new)")(
      "host", po::value(&flags.host)->default_value("127.0.0.1"), "address to listen on")(
      "bin-dir", po::value(&flags.bin_dir),
      "directory of the service executables (default: next to this one, else the build tree)")(
      "startup-timeout-ms", po::value(&flags.startup_timeout_ms)->default_value(60'000),
      "time the services get to start listening")(
      "stop-grace-ms", po::value(&flags.stop_grace_ms)->default_value(15'000),
      "time each service gets to stop before it is killed");
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
