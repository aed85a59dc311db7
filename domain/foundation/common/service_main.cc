#include "common/service_main.h"


#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

#include "process/service_process.h"

namespace foundation {

namespace po = boost::program_options;

int RunService(std::string_view name_view, int argc, char* argv[], const ServiceSetup& setup) {
  const std::string name(name_view);
  std::string listen;
  ServiceFlags flags;
  twirp::ServerOptions options;
  int grace_ms = 10'000;

  po::options_description description(name + " options");
  description.add_options()
      ("help,h", "show this help")
      ("listen", po::value(&listen)->default_value("127.0.0.1:0"),
       "address:port to listen on (port 0 picks one; the chosen one is printed)")
      ("data-dir", po::value(&flags.data_dir)->default_value("data"),
       "directory of the service's SQLite database (created if missing)")
      ("seed", po::bool_switch(&flags.seed), "write the seed data set into a new database")
      ("threads", po::value(&options.worker_threads)->default_value(4),
       "threads running the (blocking, SQLite) handlers")
      ("io-threads", po::value(&options.io_threads)->default_value(1), "I/O threads")
      ("shutdown-grace-ms", po::value(&grace_ms)->default_value(10'000),
       "time given to requests in flight on shutdown");
  if (auto exit_code = domain::ParseFlags(name, argc, argv, description)) return *exit_code;
  domain::ListenAddress address;
  if (!domain::ParseListen(listen, address)) {
    std::cerr << name << ": --listen wants address:port, got \"" << listen << "\"\n";
    return 2;
  }
  if (options.worker_threads < 1 || options.io_threads < 1) {
    std::cerr << name << ": --threads and --io-threads must be at least 1\n";
    return 2;
  }
  std::error_code mkdir_error;
  std::filesystem::create_directories(flags.data_dir, mkdir_error);
  if (mkdir_error) {
    std::cerr << name << ": cannot create --data-dir " << flags.data_dir << ": "
              << mkdir_error.message() << "\n";
    return 1;
  }

  const sigset_t stop_signals = domain::BlockStopSignals();

  options.metrics.enabled = true;
  twirp::Server server(options);
  if (auto r = setup(server, flags); !r.ok()) {
    std::cerr << name << ": " << r.error().msg();
    if (!r.error().cause().empty()) std::cerr << " (" << r.error().cause() << ")";
    std::cerr << "\n";
    return 1;
  }
  return domain::ServeUntilStopped(server, name, address, stop_signals,
                                   std::chrono::milliseconds(grace_ms));
}

}  // namespace foundation
