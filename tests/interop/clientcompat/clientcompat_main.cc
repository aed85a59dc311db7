// twirpcpp-clientcompat: our client under Twirp's client compatibility protocol
// (wire-protocol.md §7). Reads one binary ClientCompatMessage from stdin, calls
// NoopMethod or Method of CompatService at service_address (default /twirp
// prefix, protobuf) and reports:
//   success      the binary response on stdout, nothing on stderr;
//   Twirp error  exactly the code string on stderr (no newline), nothing on stdout;
// exiting 0 either way (§7.6-7.7). Anything else (an unreadable message, a bad
// address) is a harness failure: a message on stderr and exit 1.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "clientcompat.twirp.h"
#include "twirpcpp/client.h"
#include "twirpcpp/error.h"

namespace {

namespace cc = twirp::clientcompat;

int Fail(const std::string& message) {
  std::cerr << "twirpcpp-clientcompat: " << message << "\n";
  return 1;
}

// Writes the outcome of a call as §7.6 asks.
template <class Resp>
int Report(const twirp::Result<Resp>& result) {
  if (!result.ok()) {
    const std::string_view code = twirp::CodeString(result.error().code());
    std::fwrite(code.data(), 1, code.size(), stderr);
    return 0;
  }
  const std::string bytes = result->SerializeAsString();
  if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size())
    return Fail("cannot write stdout");
  return std::fflush(stdout) == 0 ? 0 : Fail("cannot write stdout");
}

}  // namespace

int main() {
  const std::string input{std::istreambuf_iterator<char>(std::cin),
                          std::istreambuf_iterator<char>()};
  cc::ClientCompatMessage message;
  if (!message.ParseFromString(input)) return Fail("stdin is not a ClientCompatMessage");

  auto client = twirp::Client::Create(message.service_address());
  if (!client.ok()) return Fail("bad service_address: " + client.error().msg());
  cc::CompatServiceClient compat(*client);
  // The runner waits forever; a bounded call keeps a broken server from hanging it.
  const auto options = twirp::CallOptions{}.WithTimeout(std::chrono::seconds(30));

  switch (message.method()) {
    case cc::ClientCompatMessage::NOOP: {
      cc::Empty request;
      if (!request.ParseFromString(message.request())) return Fail("request is not an Empty");
      return Report(compat.NoopMethodBlocking(request, options));
    }
    case cc::ClientCompatMessage::METHOD: {
      cc::Req request;
      if (!request.ParseFromString(message.request())) return Fail("request is not a Req");
      return Report(compat.MethodBlocking(request, options));
    }
    default: return Fail("unknown method " + std::to_string(message.method()));
  }
}
