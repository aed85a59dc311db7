// ASCII-only case rules for the protocol text the services compare: HTTP header
// names and schemes, ISO 3166 country codes. std::tolower depends on the C
// locale and is undefined for a negative char, and none of this text is
// anything but ASCII (a byte over 127 simply matches nothing).
#pragma once

#include <algorithm>
#include <string_view>

namespace domain {

constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char AsciiUpper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

}  // namespace domain
