#include "codec/go_text.h"

#include <cstdint>

#include "common/ascii.h"

namespace twirp::internal {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

void AppendHex(std::string& out, std::uint32_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
    out.push_back(kHex[(value >> shift) & 0xF]);
}

// unicode.IsPrint for runes >= 0x80, without Go's full tables: the categories
// that realistically occur in header values (C1 controls, format characters,
// non-ASCII spaces, line/paragraph separators, private use, noncharacters).
bool IsPrintNonAscii(char32_t r) {
  if (r < 0xA0) return false;  // C1 controls
  switch (r) {
    case 0xA0:
    case 0xAD:
    case 0x61C:
    case 0x1680:
    case 0x180E:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF: return false;
    default: break;
  }
  if (r >= 0x600 && r <= 0x605) return false;
  if (r >= 0x2000 && r <= 0x200F) return false;
  if (r >= 0x2028 && r <= 0x202E) return false;
  if (r >= 0x2060 && r <= 0x206F) return false;
  if (r >= 0xD800 && r <= 0xF8FF) return false;  // surrogates, private use
  if (r >= 0xFFF9 && r <= 0xFFFB) return false;
  if ((r & 0xFFFE) == 0xFFFE) return false;  // noncharacters U+xFFFE/U+xFFFF
  if (r >= 0xFDD0 && r <= 0xFDEF) return false;
  if (r >= 0xE0000) return false;  // tags, planes 15-16 private use
  return true;
}

}  // namespace

DecodedRune DecodeRune(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  const DecodedRune invalid{kReplacementChar, 1};
  auto at = [&](std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0; };
  const unsigned char b1 = at(1);
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!IsContinuation(b1)) return invalid;
    return {static_cast<char32_t>(((b0 & 0x1F) << 6) | (b1 & 0x3F)), 2};
  }
  // The second byte's allowed range excludes overlong forms and surrogates.
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 == 0xE0) lo = 0xA0;
  if (b0 == 0xED) hi = 0x9F;
  if (b0 == 0xF0) lo = 0x90;
  if (b0 == 0xF4) hi = 0x8F;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned char b2 = at(2);
    if (b1 < lo || b1 > hi || !IsContinuation(b2)) return invalid;
    return {static_cast<char32_t>(((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)), 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned char b2 = at(2);
    const unsigned char b3 = at(3);
    if (b1 < lo || b1 > hi || !IsContinuation(b2) || !IsContinuation(b3)) return invalid;
    return {static_cast<char32_t>(((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) |
                                  (b3 & 0x3F)),
            4};
  }
  return invalid;
}

void AppendRune(std::string& out, char32_t r) {
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (r >> 6)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (r >> 12)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (r >> 18)));
    out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

void AppendGoJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '<':
        case '>':
        case '&':
          out += "\\u00";
          AppendHex(out, b, 2);
          break;
        default:
          if (b < 0x20) {
            out += "\\u00";
            AppendHex(out, b, 2);
          } else {
            out.push_back(static_cast<char>(b));
          }
      }
      ++i;
      continue;
    }
    const DecodedRune d = DecodeRune(s.substr(i));
    if (d.rune == kReplacementChar && d.size == 1) {
      out += "\\ufffd";
    } else if (d.rune == 0x2028 || d.rune == 0x2029) {
      out += "\\u202";
      out.push_back(d.rune == 0x2028 ? '8' : '9');
    } else {
      out.append(s.substr(i, d.size));
    }
    i += d.size;
  }
  out.push_back('"');
}

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    const DecodedRune d = DecodeRune(s.substr(i));
    const char32_t r = d.rune;
    if (r == kReplacementChar && d.size == 1) {
      out += "\\x";
      AppendHex(out, static_cast<unsigned char>(s[i]), 2);
    } else if (r == '"' || r == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(r));
    } else if (r < 0x80 ? (r >= 0x20 && r < 0x7F) : IsPrintNonAscii(r)) {
      out.append(s.substr(i, d.size));
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
    i += d.size;
  }
  out.push_back('"');
  return out;
}

void JsonCursor::SkipSpace() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    ++pos_;
  }
}

char JsonCursor::Peek() {
  SkipSpace();
  return AtEnd() ? '\0' : text_[pos_];
}

bool JsonCursor::Consume(char c) {
  if (Peek() != c || AtEnd()) return false;
  ++pos_;
  return true;
}

bool JsonCursor::ConsumeLiteral(std::string_view word) {
  SkipSpace();
  if (text_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}

bool JsonCursor::SkipNumber() {
  SkipSpace();
  auto digit = [&] { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
  auto digits = [&] {
    if (!digit()) return false;
    while (digit()) ++pos_;
    return true;
  };
  if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '0') {
    ++pos_;
  } else if (!digits()) {
    return false;
  }
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (!digits()) return false;
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (!digits()) return false;
  }
  return true;
}

namespace {

// Four hex digits at `s` (which must hold them), or -1.
int ParseHex4(std::string_view s) {
  if (s.size() < 4) return -1;
  int value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = s[i];
    const int digit = HexDigitValue(c);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

}  // namespace

std::optional<std::string> JsonCursor::ReadString() {
  if (!Consume('"')) return std::nullopt;
  std::string out;
  while (pos_ < text_.size()) {
    const auto b = static_cast<unsigned char>(text_[pos_]);
    if (b == '"') {
      ++pos_;
      return out;
    }
    if (b < 0x20) return std::nullopt;
    if (b >= 0x80) {
      ReadRune(out);
    } else if (b != '\\') {
      out.push_back(static_cast<char>(b));
      ++pos_;
    } else if (!ReadEscape(out)) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void JsonCursor::ReadRune(std::string& out) {
  const DecodedRune d = DecodeRune(text_.substr(pos_));
  if (d.rune == kReplacementChar && d.size == 1) {
    AppendRune(out, kReplacementChar);
  } else {
    out.append(text_.substr(pos_, d.size));
  }
  pos_ += d.size;
}

bool JsonCursor::ReadEscape(std::string& out) {
  if (++pos_ >= text_.size()) return false;
  const char e = text_[pos_++];
  switch (e) {
    case '"':
    case '\\':
    case '/': out.push_back(e); return true;
    case 'b': out.push_back('\b'); return true;
    case 'f': out.push_back('\f'); return true;
    case 'n': out.push_back('\n'); return true;
    case 'r': out.push_back('\r'); return true;
    case 't': out.push_back('\t'); return true;
    case 'u': return ReadUnicodeEscape(out);
    default: return false;
  }
}

bool JsonCursor::ReadUnicodeEscape(std::string& out) {
  const int unit = ParseHex4(text_.substr(pos_));
  if (unit < 0) return false;
  pos_ += 4;
  auto r = static_cast<char32_t>(unit);
  if (r >= 0xD800 && r <= 0xDFFF) {
    // encoding/json: a valid pair is combined, anything else is U+FFFD and
    // the following escape is read on its own.
    const std::string_view rest = text_.substr(pos_);
    const int low =
        rest.size() >= 6 && rest[0] == '\\' && rest[1] == 'u' ? ParseHex4(rest.substr(2)) : -1;
    if (r < 0xDC00 && low >= 0xDC00 && low <= 0xDFFF) {
      r = 0x10000 + ((r - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00);
      pos_ += 6;
    } else {
      r = kReplacementChar;
    }
  }
  AppendRune(out, r);
  return true;
}

bool JsonCursor::SkipValue(int depth) {
  if (depth > kMaxDepth) return false;
  switch (Peek()) {
    case '"': return ReadString().has_value();
    case 't': return ConsumeLiteral("true");
    case 'f': return ConsumeLiteral("false");
    case 'n': return ConsumeLiteral("null");
    case '[':
      ++pos_;
      if (Consume(']')) return true;
      do {
        if (!SkipValue(depth + 1)) return false;
      } while (Consume(','));
      return Consume(']');
    case '{':
      ++pos_;
      if (Consume('}')) return true;
      do {
        if (Peek() != '"' || !ReadString() || !Consume(':') || !SkipValue(depth + 1)) return false;
      } while (Consume(','));
      return Consume('}');
    default: return SkipNumber();
  }
}

}  // namespace twirp::internal
