#include "common/secrets.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace domain {

static_assert(std::tuple_size_v<Sha256Digest> == SHA256_DIGEST_LENGTH);

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest digest{};
  // libcrypto speaks unsigned char; the bytes are the same.
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // CRYPTO_memcmp is written (in assembly where available) so that no
  // compiler turns it back into an early exit, which a hand-written loop
  // cannot promise.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace domain
