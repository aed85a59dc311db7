// haberdasher-client --url http://127.0.0.1:8080 --inches 12 [--json] [--prefix /twirp]
//
// Asks a Haberdasher (ours, Go's or any other Twirp one) for a hat and prints it as
// JSON; on a Twirp error prints its code, msg and meta and exits with 1.
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

#include "haberdasher.twirp.h"
#include "twirpcpp/client.h"
#include "twirpcpp/codec.h"

namespace po = boost::program_options;

int main(int argc, char* argv[]) {
  std::string url;
  int inches = 0;
  twirp::ClientOptions options;

  po::options_description flags("haberdasher-client options");
  // One flag a line: clang-format would run the chained calls together.
  // clang-format off
  flags.add_options()
      ("help,h", "show this help")
      ("url", po::value(&url)->required(), "server base URL, e.g. http://127.0.0.1:8080")
      ("inches", po::value(&inches)->required(), "hat size")
      ("json", "use JSON instead of protobuf on the wire")
      ("prefix", po::value(&options.prefix)->default_value("/twirp"), "Twirp path prefix");
  // clang-format on
  po::variables_map vars;
  try {
    po::store(po::parse_command_line(argc, argv, flags), vars);
    if (vars.contains("help")) {
      std::cout << flags;
      return 0;
    }
    po::notify(vars);
  } catch (const po::error& e) {
    std::cerr << "haberdasher-client: " << e.what() << "\n" << flags;
    return 2;
  }
  if (vars.contains("json")) options.encoding = twirp::Encoding::kJson;

  auto client = twirp::Client::Create(url, options);
  if (!client.ok()) {
    std::cerr << "haberdasher-client: " << client.error().msg() << "\n";
    return 2;
  }
  twitch::twirp::example::HaberdasherClient haberdasher(*client);

  twitch::twirp::example::Size size;
  size.set_inches(inches);
  auto hat =
      haberdasher.MakeHatBlocking(size, twirp::CallOptions{}.WithTimeout(std::chrono::seconds(10)));
  if (!hat.ok()) {
    const twirp::Error& error = hat.error();
    std::cout << "error code: " << twirp::CodeString(error.code()) << "\n"
              << "error msg: " << error.msg() << "\n";
    for (const auto& [key, value] : error.meta()) {
      std::cout << "error meta: " << key << "=" << value << "\n";
    }
    return 1;
  }
  auto json = twirp::Encode(*hat, twirp::Encoding::kJson);
  std::cout << (json.ok() ? *json : std::string("{}")) << std::endl;
  return 0;
}
