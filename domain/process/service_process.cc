#include "process/service_process.h"

#include <pthread.h>

#include <exception>
#include <iostream>

namespace domain {

bool ParseListen(const std::string& text, ListenAddress& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    std::size_t used = 0;
    const unsigned long value = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || value > 65535) return false;
    out.host = text.substr(0, colon);
    out.port = static_cast<std::uint16_t>(value);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

sigset_t BlockStopSignals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

int ServeUntilStopped(twirp::Server& server, std::string_view name, const ListenAddress& address,
                      const sigset_t& stop_signals, std::chrono::milliseconds grace) {
  if (auto error = server.Listen(address.host, address.port)) {
    std::cerr << name << ": cannot listen on " << address.host << ":" << address.port << ": "
              << error.message() << "\n";
    return 1;
  }
  server.Start();
  std::cout << name << " listening on http://" << address.host << ":" << server.port() << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cout << name << ": " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down"
            << std::endl;
  server.Shutdown(grace);
  server.Wait();
  return 0;
}

}  // namespace domain
