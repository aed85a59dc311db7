#include "twirpcpp/stop_signals.h"

#include <pthread.h>

namespace twirp {

StopSignals::StopSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

int StopSignals::Wait() const {
  int signal = 0;
  // sigwait fails only for a set with an invalid signal, which this is not.
  sigwait(&signals_, &signal);
  return signal;
}

std::string_view StopSignals::Name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "signal";
  }
}

}  // namespace twirp
