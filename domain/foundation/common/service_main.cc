#include "common/service_main.h"

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

#include <boost/program_options.hpp>

#include "process/service_process.h"

namespace foundation {

namespace po = boost::program_options;

int RunService(std::string_view name_view, int argc, char* argv[],
               const CheckedServiceSetup& setup) {
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
  auto store_check = setup(server, flags);
  if (!store_check.ok()) {
    std::cerr << name << ": " << store_check.error().msg();
    if (!store_check.error().cause().empty())
      std::cerr << " (" << store_check.error().cause() << ")";
    std::cerr << "\n";
    return 1;
  }
  domain::ReadinessCheck readiness;
  if (*store_check) {
    readiness =
        [check = std::move(store_check).value()]() -> twirp::Awaitable<std::optional<std::string>> {
      if (auto r = check(); !r.ok()) co_return "store: " + r.error().msg();
      co_return std::nullopt;
    };
  }
  return domain::ServeUntilStopped(server, name, address, stop_signals, server_flags.grace(),
                                   std::move(readiness));
}

int RunService(std::string_view name, int argc, char* argv[], const ServiceSetup& setup) {
  return RunService(
      name, argc, argv,
      [&setup](twirp::Server& server, const ServiceFlags& flags) -> twirp::Result<StoreCheck> {
        if (auto r = setup(server, flags); !r.ok()) return std::move(r).error();
        return StoreCheck();
      });
}

}  // namespace foundation
