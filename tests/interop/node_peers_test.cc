// Interop with the TypeScript Twirp peers (wire-protocol.md §9): their clients
// against our server, our client against their server. The peers run under
// node from tests/interop/node (built by the ctest fixture interop_node_setup);
// each prints one JSON line per call (see node/src/client.ts), asserted here.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "haberdasher.twirp.h"
#include "subprocess.h"
#include "twirpcpp/client.h"
#include "twirpcpp/error.h"
#include "twirpcpp/interop/v1/interop.twirp.h"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::vector<std::string> kCodes = {
    "canceled",          "unknown",         "invalid_argument",   "malformed",
    "deadline_exceeded", "not_found",       "bad_route",          "already_exists",
    "permission_denied", "unauthenticated", "resource_exhausted", "failed_precondition",
    "aborted",           "out_of_range",    "unimplemented",      "internal",
    "unavailable",       "data_loss",
};
constexpr int kErrorBase = 200;
constexpr int kRawBase = 300;
const std::string kTrickyMeta = "<a & b> \"quoted\" Zo\u00eb";

// --- the script (node/src/script.ts) ------------------------------------------

json HatJson(int inches) {
  static const char* const kColors[] = {"white", "black", "brown", "red", "blue", "green"};
  static const char* const kNames[] = {"bowler", "baseball cap", "top hat", "derby", "fedora"};
  if (inches == 100) return {{"size", 0}, {"color", ""}, {"name", ""}};
  return {{"size", inches}, {"color", kColors[inches % 6]}, {"name", kNames[inches % 5]}};
}

json Ok(const json& result) { return {{"ok", true}, {"result", result}}; }

json TwirpError(const std::string& code, const std::string& msg, json meta) {
  return {
      {"ok", false}, {"kind", "twirp"}, {"code", code}, {"msg", msg}, {"meta", std::move(meta)}};
}

json ScriptedError(int inches) {
  const std::string& code = kCodes.at(static_cast<std::size_t>(inches - kErrorBase));
  return TwirpError(code, "scripted " + code,
                    {{"inches", std::to_string(inches)}, {"note", kTrickyMeta}});
}

// The JSON the TypeScript clients print for Interop_v1's samples (proto names,
// defaults emitted): 64-bit integers as strings, enum names, base64 bytes.
const json kFullSampleJson =
    json::parse(R"({"display_name":"Zo\u00eb <&>","big_count":"9007199254740993",
  "shade":"SHADE_LIGHT","tags":["a","b"],"blob":"AAEC+v8=","flag":true,
  "inner":{"id":"18446744073709551615"},"counts":{"x":1,"y":-2}})");
const json kEmptySampleJson = json::parse(R"({"display_name":"","big_count":"0",
  "shade":"SHADE_UNSPECIFIED","tags":[],"blob":"","flag":false,"inner":null,"counts":{}})");

// The same full sample in C++.
twirpcpp::interop::v1::Sample FullSample() {
  twirpcpp::interop::v1::Sample sample;
  sample.set_display_name("Zo\u00eb <&>");
  sample.set_big_count(9007199254740993LL);
  sample.set_shade(twirpcpp::interop::v1::SHADE_LIGHT);
  sample.add_tags("a");
  sample.add_tags("b");
  sample.set_blob(std::string("\x00\x01\x02\xfa\xff", 5));
  sample.set_flag(true);
  sample.mutable_inner()->set_id(18446744073709551615ULL);
  (*sample.mutable_counts())["x"] = 1;
  (*sample.mutable_counts())["y"] = -2;
  return sample;
}

// Haberdasher calls every run exercises: hats, the all-default hat, every code.
std::vector<std::string> ScriptedHatCalls() {
  std::vector<std::string> calls = {"hat:1", "hat:7", "hat:99", "hat:100"};
  for (int i = 0; i < static_cast<int>(kCodes.size()); ++i)
    calls.push_back("hat:" + std::to_string(kErrorBase + i));
  return calls;
}

json ExpectedForHatCall(const std::string& call) {
  const int inches = std::stoi(call.substr(4));
  return inches < kErrorBase ? Ok(HatJson(inches)) : ScriptedError(inches);
}

// --- processes ----------------------------------------------------------------

std::string NodeDist(const std::string& script) {
  return std::string(TWIRPCPP_NODE_DIST) + "/" + script;
}

// A server child process that prints {"port":N} first and stops at stdin EOF.
// Its stderr is the test's, and so in ctest's output.
class PeerServer {
 public:
  explicit PeerServer(std::vector<std::string> argv) : process_(argv, {.pipe_stdin = true}) {
    const auto line = process_.ReadLine(30s);
    if (!line) FAIL("server " << argv.back() << " printed no port within 30 s");
    port_ = json::parse(*line).at("port").get<int>();
  }
  // Stdin EOF asks the server to stop; it must exit cleanly (under ASan this
  // also catches leaks and errors reported at exit).
  ~PeerServer() {
    const auto outcome = process_.Finish(10s);
    CHECK(outcome.Describe() == "exit 0");
  }
  std::string root() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  domain::ChildProcess process_;
  int port_ = 0;
};

PeerServer StartTwirpTsServer() { return PeerServer({TWIRPCPP_NODE, NodeDist("server.js")}); }
PeerServer StartOurServer() { return PeerServer({TWIRPCPP_INTEROP_SERVER}); }

// Runs node/src/client.ts; returns its output line for each call, by call.
std::map<std::string, json> RunTsClient(const std::string& peer, const std::string& base,
                                        bool use_json, const std::vector<std::string>& calls,
                                        const std::vector<std::string>& flags = {}) {
  std::vector<std::string> argv = {TWIRPCPP_NODE, NodeDist("client.js"), "--peer", peer, "--base",
                                   base,          "--timeout-ms",        "5000"};
  if (use_json) argv.emplace_back("--json");
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), calls.begin(), calls.end());
  const auto outcome = twirp::interop::RunProcess(argv, "", 90s);
  INFO("client stderr: " << outcome.err);
  REQUIRE(outcome.Describe() == "exit 0");
  std::map<std::string, json> results;
  std::size_t start = 0;
  while (start < outcome.out.size()) {
    const std::size_t end = outcome.out.find('\n', start);
    json line = json::parse(outcome.out.substr(start, end - start));
    std::string call = line.at("call");
    line.erase("call");
    results[call] = std::move(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  REQUIRE(results.size() == calls.size());
  return results;
}

void CheckCall(const std::map<std::string, json>& results, const std::string& call,
               const json& expected) {
  INFO("call " << call);
  CHECK(results.at(call) == expected);
}

// Their client, both encodings, against our server: hats, the default hat, every
// error code with msg and escaped meta, and the Interop_v1 sample round trip.
void CheckTsClientAgainstOurServer(const std::string& peer) {
  PeerServer server = StartOurServer();
  for (const bool use_json : {false, true}) {
    INFO(peer << (use_json ? " JSON" : " protobuf") << " -> twirpcpp server");
    std::vector<std::string> calls = ScriptedHatCalls();
    calls.insert(calls.end(), {"echo:full", "echo:empty", "v1:full"});
    const auto results = RunTsClient(peer, server.root() + "/twirp", use_json, calls);
    for (const auto& call : ScriptedHatCalls()) CheckCall(results, call, ExpectedForHatCall(call));
    CheckCall(results, "echo:full", Ok(kFullSampleJson));
    CheckCall(results, "echo:empty", Ok(kEmptySampleJson));
    if (peer == "protobuf-ts") {
      // §9.16: "MakeHat_V1" is sent as "MakeHatV1", which Go's routing rejects (§1.5, §1.7, §4.12).
      const std::string path = "/twirp/twirpcpp.interop.v1.Interop_v1/MakeHatV1";
      CheckCall(results, "v1:full",
                TwirpError("bad_route", "no handler for path \"" + path + "\"",
                           {{"twirp_invalid_route", "POST " + path}}));
    } else {
      CheckCall(results, "v1:full", Ok(kFullSampleJson));
    }
  }
}

// --- our client -------------------------------------------------------------------

json Describe(const twirp::Error& error) {
  json meta = json::object();
  for (const auto& [key, value] : error.meta()) meta[key] = value;
  return TwirpError(std::string(twirp::CodeString(error.code())), error.msg(), meta);
}

json Describe(const twirp::Result<twitch::twirp::example::Hat>& hat) {
  if (!hat.ok()) return Describe(hat.error());
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  REQUIRE(google::protobuf::util::MessageToJsonString(*hat, &text, options).ok());
  return Ok(json::parse(text));
}

std::shared_ptr<twirp::Client> OurClient(const std::string& root, bool use_json,
                                         bool literal_urls = false) {
  twirp::ClientOptions options;
  options.encoding = use_json ? twirp::Encoding::kJson : twirp::Encoding::kProtobuf;
  options.literal_urls = literal_urls;
  auto client = twirp::Client::Create(root, std::move(options));
  REQUIRE(client.ok());
  return *client;
}

twirp::Result<twitch::twirp::example::Hat> MakeHat(
    twitch::twirp::example::HaberdasherClient& client, int inches) {
  twitch::twirp::example::Size size;
  size.set_inches(inches);
  return client.MakeHatBlocking(size, twirp::CallOptions{}.WithTimeout(10s));
}

json Intermediary(const std::string& code, int status, const std::string& reason,
                  const std::string& body) {
  return TwirpError(code,
                    "Error from intermediary with HTTP status code " + std::to_string(status) +
                        " \"" + reason + "\"",
                    {{"http_error_from_intermediary", "true"},
                     {"status_code", std::to_string(status)},
                     {"body", body}});
}

}  // namespace

TEST_CASE(
    "§9.1-9.7 twirp-ts NodeHttpRPC clients get hats, samples and every error code with msg and meta from our server",
    "[interop]") {
  CheckTsClientAgainstOurServer("twirp-ts-node");
}

TEST_CASE(
    "§9.1-9.7 twirp-ts FetchRPC clients get hats, samples and every error code with msg and meta from our server",
    "[interop]") {
  CheckTsClientAgainstOurServer("twirp-ts-fetch");
}

TEST_CASE(
    "§9.14-9.20 protobuf-ts TwirpFetchTransport gets hats, samples and every error code from our server "
    "but its MakeHatV1 spelling is bad_route (§9.16)",
    "[interop]") {
  CheckTsClientAgainstOurServer("protobuf-ts");
}

TEST_CASE("§9.15 protobuf-ts with useProtoMethodName reaches MakeHat_V1 on our server",
          "[interop]") {
  PeerServer server = StartOurServer();
  for (const bool use_json : {false, true}) {
    INFO((use_json ? "JSON" : "protobuf"));
    const auto results = RunTsClient("protobuf-ts", server.root() + "/twirp", use_json,
                                     {"v1:full", "echo:full"}, {"--proto-method-names"});
    CheckCall(results, "v1:full", Ok(kFullSampleJson));
    CheckCall(results, "echo:full", Ok(kFullSampleJson));
  }
}

TEST_CASE(
    "§9.9-9.13 our client gets hats and every error code with msg and meta from a twirp-ts server",
    "[interop]") {
  PeerServer server = StartTwirpTsServer();
  for (const bool use_json : {false, true}) {
    INFO((use_json ? "JSON" : "protobuf") << " twirpcpp client -> twirp-ts server");
    twitch::twirp::example::HaberdasherClient client(OurClient(server.root(), use_json));
    for (const auto& call : ScriptedHatCalls()) {
      INFO("call " << call);
      CHECK(Describe(MakeHat(client, std::stoi(call.substr(4)))) == ExpectedForHatCall(call));
    }
  }
}

TEST_CASE(
    "§6.5-6.11 our client reads a twirp-ts server's non-Twirp error answers as Go's client does",
    "[interop]") {
  PeerServer server = StartTwirpTsServer();
  // Indexed as kRawAnswers in node/src/script.ts.
  const std::vector<json> expected = {
      TwirpError("internal",
                 R"(unexpected HTTP status code 302 "Found" received, Location="/elsewhere")",
                 {{"http_error_from_intermediary", "true"},
                  {"status_code", "302"},
                  {"location", "/elsewhere"}}),
      Intermediary("internal", 400, "Bad Request", "garbage"),
      Intermediary("unauthenticated", 401, "Unauthorized", "<html>401</html>"),
      Intermediary("permission_denied", 403, "Forbidden", "<html>403</html>"),
      Intermediary("bad_route", 404, "Not Found", "<html>404</html>"),
      Intermediary("resource_exhausted", 429, "Too Many Requests", "slow down"),
      Intermediary("unknown", 500, "Internal Server Error", "oops"),
      Intermediary("unavailable", 502, "Bad Gateway", "<html>bad gateway</html>"),
      Intermediary("unavailable", 503, "Service Unavailable", "<html>503</html>"),
      Intermediary("unavailable", 504, "Gateway Timeout", "<html>504</html>"),
      TwirpError("not_found", "the body wins", {{"k", "v"}}),
      TwirpError("internal", "invalid type returned from server error response: bogus",
                 {{"body", R"({"code":"bogus","msg":"x"})"}}),
      Intermediary("unknown", 500, "Internal Server Error",
                   R"({"code":"internal","msg":"x","extra":1})"),
      Intermediary("unavailable", 503, "Service Unavailable",
                   R"({"code":"unavailable","msg":"x","meta":{"n":1}})"),
      Intermediary("bad_route", 404, "Not Found", R"({"code":"","msg":"x"})"),
  };
  for (const bool use_json : {false, true}) {
    twitch::twirp::example::HaberdasherClient client(OurClient(server.root(), use_json));
    for (std::size_t i = 0; i < expected.size(); ++i) {
      INFO((use_json ? "JSON" : "protobuf") << ", inches " << kRawBase + i);
      CHECK(Describe(MakeHat(client, kRawBase + static_cast<int>(i))) == expected[i]);
    }
  }
}

TEST_CASE(
    "§1.10 §9.9 our client's CamelCase URL is bad_route on a twirp-ts server and with literal_urls the sample "
    "round-trips (§3.6 §9.11)",
    "[interop]") {
  PeerServer server = StartTwirpTsServer();
  const auto sample = FullSample();
  for (const bool use_json : {false, true}) {
    INFO((use_json ? "JSON" : "protobuf"));
    {
      twirpcpp::interop::v1::InteropV1Client client(OurClient(server.root(), use_json));
      auto echoed = client.EchoSampleBlocking(sample, twirp::CallOptions{}.WithTimeout(10s));
      REQUIRE_FALSE(echoed.ok());
      const std::string path = "/twirp/twirpcpp.interop.v1.InteropV1/EchoSample";
      CHECK(Describe(echoed.error()) == TwirpError("bad_route", "no handler for path " + path,
                                                   {{"twirp_invalid_route", "POST " + path}}));
    }
    twirpcpp::interop::v1::InteropV1Client client(
        OurClient(server.root(), use_json, /*literal_urls=*/true));
    for (const auto& request : {sample, twirpcpp::interop::v1::Sample{}}) {
      auto echoed = client.EchoSampleBlocking(request, twirp::CallOptions{}.WithTimeout(10s));
      REQUIRE(echoed.ok());
      INFO("sent " << request.ShortDebugString() << "\ngot " << echoed->ShortDebugString());
      CHECK(google::protobuf::util::MessageDifferencer::Equals(*echoed, request));
      auto v1 = client.MakeHat_V1Blocking(request, twirp::CallOptions{}.WithTimeout(10s));
      REQUIRE(v1.ok());
      CHECK(google::protobuf::util::MessageDifferencer::Equals(*v1, request));
    }
  }
}

TEST_CASE(
    "harness: the TypeScript clients and the twirp-ts server agree on the script and a non-JSON error body "
    "fails them as §9.8 and §9.20 say",
    "[interop]") {
  PeerServer server = StartTwirpTsServer();
  const std::string base = server.root() + "/twirp";
  const std::string raw_502 = "hat:" + std::to_string(kRawBase + 7);
  const auto syntax_error = [](const std::string& kind) {
    return json{{"ok", false},
                {"kind", kind},
                {"name", "SyntaxError"},
                {"msg", "Unexpected token '<', \"<html>bad \"... is not valid JSON"}};
  };
  for (const std::string peer : {"twirp-ts-node", "twirp-ts-fetch", "protobuf-ts"}) {
    for (const bool use_json : {false, true}) {
      INFO(peer << (use_json ? " JSON" : " protobuf") << " -> twirp-ts server");
      std::vector<std::string> calls = ScriptedHatCalls();
      calls.insert(calls.end(), {raw_502, "echo:full"});
      const auto results = RunTsClient(peer, base, use_json, calls);
      for (const auto& call : ScriptedHatCalls())
        CheckCall(results, call, ExpectedForHatCall(call));
      if (peer == "twirp-ts-node") {
        CheckCall(results, raw_502, syntax_error("uncaught"));
      } else if (peer == "twirp-ts-fetch") {
        CheckCall(results, raw_502, syntax_error("exception"));
      } else {
        CheckCall(results, raw_502,
                  TwirpError("internal", "received HTTP 502, unable to read response body as json",
                             json::object()));
      }
      if (peer == "protobuf-ts") {
        // twirp-ts routes literal method names only (§9.9); protobuf-ts sends CamelCase.
        const std::string path = "/twirp/twirpcpp.interop.v1.Interop_v1/EchoSample";
        CheckCall(results, "echo:full",
                  TwirpError("bad_route", "no handler for path " + path,
                             {{"twirp_invalid_route", "POST " + path}}));
      } else {
        CheckCall(results, "echo:full", Ok(kFullSampleJson));
      }
    }
  }
}
