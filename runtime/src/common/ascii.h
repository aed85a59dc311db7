// ASCII-only character rules for HTTP tokens, header names and media types.
// Locale-free on purpose: std::tolower depends on the C locale and is undefined
// for negative chars, and HTTP compares these bytes case-insensitively in ASCII
// only (RFC 9110 §5.1).
#pragma once

#include <cstddef>
#include <string_view>

namespace twirp::internal {

constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

constexpr bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// A tchar of RFC 9110 §5.6.2: what a header field name is made of.
constexpr bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A header field that cannot alter the framing of the message it is written
// into as "name: value\r\n": a token for a name (RFC 9110 §5.1) and no CR, LF or
// NUL in the value, which could start another field or another message.
constexpr bool IsSafeHeaderField(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// The value of a hex digit, -1 for any other character.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace twirp::internal
