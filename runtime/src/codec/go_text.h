// Go's text rules that the wire format inherits: encoding/json string escaping,
// strconv.Quote (%q) and utf8.DecodeRune. Twirp error bodies and messages are
// produced by these Go functions, so matching them byte for byte is the contract
// (wire-protocol.md §4.4-4.6, §6.5, §6.11). Private to the runtime.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace twirp::internal {

inline constexpr char32_t kReplacementChar = 0xFFFD;

struct DecodedRune {
  char32_t rune;     // kReplacementChar for an invalid sequence
  std::size_t size;  // 1 for an invalid sequence, as in Go
};

// Go's utf8.DecodeRune on a non-empty `s`.
DecodedRune DecodeRune(std::string_view s);

// Appends the UTF-8 encoding of `r` (a valid scalar value).
void AppendRune(std::string& out, char32_t r);

// Appends `s` as a JSON string literal the way encoding/json.Marshal writes it:
// quotes, \" \\ \n \r \t, other bytes below 0x20 as \u00XX, < > & as \u003c
// \u003e \u0026, U+2028/U+2029 escaped, and each invalid UTF-8 byte as \ufffd.
// (Go >= 1.22 writes 0x08 and 0x0c as \b and \f; both decode the same.)
void AppendGoJsonString(std::string& out, std::string_view s);

// Go's strconv.Quote (the %q verb). Printability of non-ASCII runes follows
// unicode.IsPrint for controls, format characters, separators and private use;
// unassigned code points are treated as printable.
std::string GoQuote(std::string_view s);

// A cursor over JSON text with encoding/json's syntax rules (RFC 8259, invalid
// UTF-8 tolerated inside strings). Every function returns false/nullopt on a
// syntax error and leaves the position unspecified.
class JsonCursor {
 public:
  explicit JsonCursor(std::string_view text) : text_(text) {}

  void SkipSpace();
  bool AtEnd() const { return pos_ >= text_.size(); }
  // The next byte (after SkipSpace), or '\0' at the end.
  char Peek();
  // Consumes `c` (after SkipSpace) if it is next.
  bool Consume(char c);
  // Reads a string literal, decoding it as encoding/json does: invalid UTF-8
  // and unpaired surrogate escapes become U+FFFD.
  std::optional<std::string> ReadString();
  // Skips one value of any kind, checking its syntax. `depth` bounds nesting.
  bool SkipValue(int depth = 0);
  // Consumes the literal `word` (true, false, null).
  bool ConsumeLiteral(std::string_view word);
  // Skips a number, checking the JSON number grammar.
  bool SkipNumber();
  std::size_t position() const { return pos_; }

  // Nesting deeper than this is rejected, so that hostile input cannot exhaust
  // the stack (encoding/json's own limit is 10000).
  static constexpr int kMaxDepth = 1000;

 private:
  // The parts of ReadString, each consuming what it reads: one UTF-8 sequence
  // (invalid bytes become U+FFFD); an escape from its backslash; the four hex
  // digits after "\u", with the low half of a surrogate pair. False on a syntax
  // error.
  void ReadRune(std::string& out);
  bool ReadEscape(std::string& out);
  bool ReadUnicodeEscape(std::string& out);

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace twirp::internal
