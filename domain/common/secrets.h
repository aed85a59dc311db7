// Secrets the services hold or check: session tokens and share-link tokens.
// Both are long random strings, so a fast hash (SHA-256) is what storing one
// needs; a password KDF (bcrypt, Argon2) exists to slow the guessing of short
// human-chosen secrets, which these are not. Comparisons take a time that does
// not depend on where two secrets first differ, so a caller who can time the
// answer learns nothing about how much of a guess was right.
#pragma once

#include <array>
#include <string_view>

namespace domain {

using Sha256Digest = std::array<char, 32>;

Sha256Digest Sha256(std::string_view data);

inline std::string_view AsView(const Sha256Digest& digest) {
  return {digest.data(), digest.size()};
}

// Equal bytes, in a time that depends only on the lengths: it tells whether
// the lengths differ, which for tokens of a fixed generated length (and for
// digests) gives away nothing.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace domain
