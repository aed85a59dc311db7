// Random bodies for two routed methods (Echo, and TrackService.GetTracks with a
// response field mask), as protobuf and as JSON, through
// Server::InProcessTransport: decoding, the field mask, the handler, the trim
// and the encoding of the response. The first byte picks the method and the
// content type; the rest is the body.
// Must hold: a response with a valid status; a 200 decodes as the response
// type in the request's encoding; anything else is valid Twirp error JSON.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "fuzz_support.h"
#include "twirpcpp/codec.h"
#include "twirpcpp/server.h"
#include "twirpcpp/transport.h"

namespace {

struct Harness {
  Harness() {
    twirp::detail::AddService(server, twirp::fuzz::EchoRoutes());
    twirp::detail::AddService(server, twirp::fuzz::TrackRoutes());
    server.Start();
    transport = server.InProcessTransport();
  }
  twirp::Server server;
  std::shared_ptr<twirp::Transport> transport;
};

constexpr const char* kContentTypes[] = {"application/protobuf", "application/json",
                                         "application/json; charset=utf-8",
                                         "application/x-protobuf"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Harness* harness = new Harness();
  if (size == 0) return 0;
  const bool tracks = data[0] & 1;
  const char* content_type = kContentTypes[(data[0] >> 1) % 4];
  const bool json = std::string_view(content_type).starts_with("application/json");

  twirp::TransportRequest request;
  request.target = std::string(tracks ? twirp::fuzz::kGetTracksPath : twirp::fuzz::kEchoPath);
  request.headers = {{"Host", "in-process"}, {"Content-Type", content_type}};
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);

  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, harness->transport->RoundTrip(std::move(request)),
                                      boost::asio::use_future);
  io.run();
  auto response = future.get();
  FUZZ_CHECK(response.ok());
  FUZZ_CHECK(twirp::fuzz::ValidStatus(response->status));
  if (response->status != 200) {
    twirp::fuzz::CheckTwirpErrorJson(response->body);
    return 0;
  }
  const auto encoding = json ? twirp::Encoding::kJson : twirp::Encoding::kProtobuf;
  if (tracks) {
    twirp::fuzz::GetTracksResponse decoded;
    FUZZ_CHECK(twirp::Decode(response->body, encoding, decoded).ok());
  } else {
    twirp::fuzz::EchoResponse decoded;
    FUZZ_CHECK(twirp::Decode(response->body, encoding, decoded).ok());
  }
  return 0;
}
