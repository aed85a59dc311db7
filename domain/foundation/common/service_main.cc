#include "common/service_main.h"

#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

namespace foundation {

namespace po = boost::program_options;

namespace {

bool ParseListen(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    std::size_t used = 0;
    const unsigned long value = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || value > 65535) return false;
    host = text.substr(0, colon);
    port = static_cast<std::uint16_t>(value);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

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
  po::variables_map vars;
  try {
    po::store(po::parse_command_line(argc, argv, description), vars);
    po::notify(vars);
  } catch (const po::error& e) {
    std::cerr << name << ": " << e.what() << "\n" << description;
    return 2;
  }
  if (vars.count("help")) {
    std::cout << description;
    return 0;
  }
  std::string host;
  std::uint16_t port = 0;
  if (!ParseListen(listen, host, port)) {
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

  // Signals are taken by sigwait below, so every thread must have them blocked;
  // threads the server starts inherit this mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  options.metrics.enabled = true;
  twirp::Server server(options);
  if (auto r = setup(server, flags); !r.ok()) {
    std::cerr << name << ": " << r.error().msg();
    if (!r.error().cause().empty()) std::cerr << " (" << r.error().cause() << ")";
    std::cerr << "\n";
    return 1;
  }
  if (auto error = server.Listen(host, port)) {
    std::cerr << name << ": cannot listen on " << listen << ": " << error.message() << "\n";
    return 1;
  }
  server.Start();
  // The launcher reads this line to learn the port when it passed port 0.
  std::cout << name << " listening on http://" << host << ":" << server.port() << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cout << name << ": " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down"
            << std::endl;
  server.Shutdown(std::chrono::milliseconds(grace_ms));
  server.Wait();
  return 0;
}

}  // namespace foundation
