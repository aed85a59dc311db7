// haberdasher-server --listen 127.0.0.1:8080 [--prefix /twirp] [--io-threads N] [--metrics]
//
// Serves the Haberdasher over Twirp (protobuf and JSON) until SIGINT or SIGTERM,
// then shuts down gracefully: requests in flight are answered first.
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include <boost/program_options.hpp>

#include "hat_maker.h"
#include "twirpcpp/server.h"
#include "twirpcpp/stop_signals.h"

namespace po = boost::program_options;

namespace {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

bool ParseEndpoint(const std::string& text, Endpoint& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  try {
    const unsigned long port = std::stoul(text.substr(colon + 1));
    if (port > 65535) return false;
    out.host = text.substr(0, colon);
    out.port = static_cast<std::uint16_t>(port);
    return !out.host.empty();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  std::string listen;
  twirp::ServerOptions options;
  int grace_ms = 10'000;

  po::options_description flags("haberdasher-server options");
  // One flag a line: clang-format would run the chained calls together.
  // clang-format off
  flags.add_options()
      ("help,h", "show this help")
      ("listen", po::value(&listen)->default_value("127.0.0.1:8080"),
       "address:port to listen on (port 0 picks one)")
      ("prefix", po::value(&options.prefix)->default_value("/twirp"),
       "Twirp path prefix (\"\" for none)")
      ("io-threads", po::value(&options.io_threads)->default_value(1),
       "event loop threads: connections and the (coroutine) handlers")
      ("metrics", po::bool_switch(&options.metrics.enabled),
       "serve Prometheus metrics on GET /metrics")
      ("json-camel-case", "write JSON responses with lowerCamel field names")
      ("json-skip-defaults", "leave fields with default values out of JSON responses")
      ("shutdown-grace-ms", po::value(&grace_ms)->default_value(10'000),
       "time given to requests in flight on shutdown");
  // clang-format on
  po::variables_map vars;
  try {
    po::store(po::parse_command_line(argc, argv, flags), vars);
    po::notify(vars);
  } catch (const po::error& e) {
    std::cerr << "haberdasher-server: " << e.what() << "\n" << flags;
    return 2;
  }
  if (vars.contains("help")) {
    std::cout << flags;
    return 0;
  }
  options.json.use_proto_names = !vars.contains("json-camel-case");
  options.json.emit_unpopulated = !vars.contains("json-skip-defaults");

  Endpoint endpoint;
  if (!ParseEndpoint(listen, endpoint)) {
    std::cerr << "haberdasher-server: --listen wants address:port, got \"" << listen << "\"\n";
    return 2;
  }

  // Before the server starts its threads, which inherit the blocked signals.
  const twirp::StopSignals stop_signals;

  twirp::Server server(options);
  twitch::twirp::example::RegisterHaberdasher(server, std::make_shared<haberdasher::HatMaker>());
  if (auto error = server.Listen(endpoint.host, endpoint.port)) {
    std::cerr << "haberdasher-server: cannot listen on " << listen << ": " << error.message()
              << "\n";
    return 1;
  }
  server.Start();
  std::cout << "haberdasher-server listening on http://" << endpoint.host << ":" << server.port()
            << options.prefix << std::endl;

  const int signal = stop_signals.Wait();
  std::cout << "haberdasher-server: " << twirp::StopSignals::Name(signal) << ", shutting down"
            << std::endl;
  server.Shutdown(std::chrono::milliseconds(grace_ms));
  server.Wait();
  return 0;
}
