#include "common/service_main.h"

#include <filesystem>
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

#include "process/service_process.h"

namespace foundation {

namespace po = boost::program_options;

int RunService(std::string_view name_view, int argc, char* argv[], const ServiceSetup& setup) {
  const std::string name(name_view);
  domain::ServerFlags server_flags = domain::ServerFlags::ForBlockingHandlers();
  ServiceFlags flags;

  po::options_description description(name + " options");
  server_flags.AddTo(description);
  description.add_options()("data-dir", po::value(&flags.data_dir)->default_value("data"),
                            "directory of the service's SQLite database (created if missing)")(
      "seed", po::bool_switch(&flags.seed), "write the seed data set into a new database");
  if (auto exit_code = domain::ParseFlags(name, argc, argv, description)) return *exit_code;
  domain::ListenAddress address;
  twirp::ServerOptions options;
  if (!server_flags.Apply(name, address, options)) return 2;
  std::error_code mkdir_error;
  std::filesystem::create_directories(flags.data_dir, mkdir_error);
  if (mkdir_error) {
    std::cerr << name << ": cannot create --data-dir " << flags.data_dir << ": "
              << mkdir_error.message() << "\n";
    return 1;
  }

  // Before the server starts its threads, which inherit the blocked signals.
  const twirp::StopSignals stop_signals;

  twirp::Server server(options);
  if (auto r = setup(server, flags); !r.ok()) {
    std::cerr << name << ": " << r.error().msg();
    if (!r.error().cause().empty()) std::cerr << " (" << r.error().cause() << ")";
    std::cerr << "\n";
    return 1;
  }
  return domain::ServeUntilStopped(server, name, address, stop_signals, server_flags.grace());
}

}  // namespace foundation
