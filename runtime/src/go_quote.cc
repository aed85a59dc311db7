#include "go_quote.h"

#include <cstdint>

namespace twirp::internal {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Decodes one UTF-8 sequence at the start of `s` as Go's utf8.DecodeRuneInString
// does: returns the code point and its width, or width 1 and -1 for an invalid
// byte (overlong forms, surrogates and values past U+10FFFF are invalid).
std::pair<std::int32_t, int> DecodeRune(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  int width;
  std::int32_t min;
  std::int32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    width = 2, min = 0x80, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    width = 3, min = 0x800, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    width = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    return {-1, 1};
  }
  if (s.size() < static_cast<std::size_t>(width)) return {-1, 1};
  for (int i = 1; i < width; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return {-1, 1};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {-1, 1};
  return {cp, width};
}

bool IsPrintable(std::int32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r <= 0xA0 || r == 0xAD) return false;               // C1 controls, NBSP, soft hyphen
  if (r == 0x61C || r == 0x180E || r == 0x1680) return false;
  if (r >= 0x2000 && r <= 0x200F) return false;           // spaces, zero-width, marks
  if (r >= 0x2028 && r <= 0x202F) return false;           // separators, embeddings
  if (r >= 0x205F && r <= 0x206F) return false;
  if (r == 0x3000 || r == 0xFEFF) return false;
  if (r >= 0xE000 && r <= 0xF8FF) return false;           // private use
  if (r >= 0xFFF9 && r <= 0xFFFB) return false;           // interlinear annotations
  if ((r & 0xFFFE) == 0xFFFE) return false;               // noncharacters
  if (r >= 0xFDD0 && r <= 0xFDEF) return false;
  if (r >= 0xE0000) return false;                         // tags, private use planes
  return true;
}

void AppendHex(std::string& out, std::uint32_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  while (!s.empty()) {
    auto [r, width] = DecodeRune(s);
    if (r < 0) {
      out += "\\x";
      AppendHex(out, static_cast<unsigned char>(s[0]), 2);
    } else if (r == '"' || r == '\\') {
      out += '\\';
      out += static_cast<char>(r);
    } else if (IsPrintable(r)) {
      out.append(s.substr(0, width));
    } else {
      switch (r) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (r < 0x20 || r == 0x7F) {
            out += "\\x";
            AppendHex(out, r, 2);
          } else if (r < 0x10000) {
            out += "\\u";
            AppendHex(out, r, 4);
          } else {
            out += "\\U";
            AppendHex(out, r, 8);
          }
      }
    }
    s.remove_prefix(width);
  }
  out += '"';
  return out;
}

}  // namespace twirp::internal
