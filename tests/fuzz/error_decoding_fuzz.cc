// A non-200 response as a client decodes it (runtime/src/client/error_decoding.h,
// docs/wire-protocol.md §6.5-6.11): random status, reason, Location and body.
// Input: two bytes of status, a byte of reason length, the reason, a byte of
// Location length, the Location, then the body.
// Must hold: a known code, whose error serializes as valid Twirp error JSON.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/error_decoding.h"
#include "fuzz_support.h"

namespace {

std::string_view Take(std::string_view& input, std::size_t n) {
  n = std::min(n, input.size());
  const std::string_view taken = input.substr(0, n);
  input.remove_prefix(n);
  return taken;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int status = (data[0] << 8 | data[1]) % 1000;
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  const auto length = [&input] {
    return input.empty() ? std::size_t{0} : static_cast<unsigned char>(Take(input, 1)[0]);
  };
  const std::string_view reason = Take(input, length());
  const std::string_view location = Take(input, length());
  const twirp::Error error =
      twirp::internal::ErrorFromHttpResponse(status, reason, input, location);
  FUZZ_CHECK(twirp::ParseCode(twirp::CodeString(error.code())) == error.code());
  twirp::fuzz::CheckTwirpErrorJson(error.ToJson());
  return 0;
}
