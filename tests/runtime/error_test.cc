// twirp::Error: the code table and the JSON error body (wire-protocol.md §4).
#include <catch2/catch.hpp>

#include <string>

#include "twirpcpp/error.h"

namespace {

using twirp::ErrorCode;

struct Row {
  ErrorCode code;
  const char* name;
  int status;
};

// §4.1, copied from Go's errors.go rather than from error.cc.
constexpr Row kTable[] = {
    {ErrorCode::kCanceled, "canceled", 408},
    {ErrorCode::kUnknown, "unknown", 500},
    {ErrorCode::kInvalidArgument, "invalid_argument", 400},
    {ErrorCode::kMalformed, "malformed", 400},
    {ErrorCode::kDeadlineExceeded, "deadline_exceeded", 408},
    {ErrorCode::kNotFound, "not_found", 404},
    {ErrorCode::kBadRoute, "bad_route", 404},
    {ErrorCode::kAlreadyExists, "already_exists", 409},
    {ErrorCode::kPermissionDenied, "permission_denied", 403},
    {ErrorCode::kUnauthenticated, "unauthenticated", 401},
    {ErrorCode::kResourceExhausted, "resource_exhausted", 429},
    {ErrorCode::kFailedPrecondition, "failed_precondition", 412},
    {ErrorCode::kAborted, "aborted", 409},
    {ErrorCode::kOutOfRange, "out_of_range", 400},
    {ErrorCode::kUnimplemented, "unimplemented", 501},
    {ErrorCode::kInternal, "internal", 500},
    {ErrorCode::kUnavailable, "unavailable", 503},
    {ErrorCode::kDataLoss, "data_loss", 500},
};

}  // namespace

TEST_CASE("§4.1 every code has Go's wire string and HTTP status, and parses back") {
  static_assert(std::size(kTable) == twirp::kErrorCodeCount);
  for (const Row& row : kTable) {
    INFO(row.name);
    CHECK(twirp::CodeString(row.code) == row.name);
    CHECK(twirp::HttpStatus(row.code) == row.status);
    CHECK(twirp::ParseCode(row.name) == row.code);
  }
}

TEST_CASE("§4.2 §4.3 data_loss is sent as data_loss and resource_exhausted as 429") {
  CHECK(twirp::CodeString(ErrorCode::kDataLoss) == "data_loss");
  CHECK(twirp::HttpStatus(ErrorCode::kResourceExhausted) == 429);
}

TEST_CASE("§4.1 ParseCode accepts the exact table strings only") {
  CHECK_FALSE(twirp::ParseCode("dataloss"));
  CHECK_FALSE(twirp::ParseCode("NOT_FOUND"));
  CHECK_FALSE(twirp::ParseCode("not_found "));
  CHECK_FALSE(twirp::ParseCode(""));
  CHECK_FALSE(twirp::ParseCode("ok"));
  CHECK_FALSE(twirp::ParseCode(std::string_view("internal\0", 9)));
}

TEST_CASE("factories set their code; argument errors follow Go's message and meta") {
  CHECK(twirp::NotFoundError("x").code() == ErrorCode::kNotFound);
  CHECK(twirp::DataLossError("x").code() == ErrorCode::kDataLoss);
  CHECK(twirp::ResourceExhaustedError("x").code() == ErrorCode::kResourceExhausted);
  const twirp::Error invalid = twirp::InvalidArgumentError("size", "must be positive");
  CHECK(invalid.code() == ErrorCode::kInvalidArgument);
  CHECK(invalid.msg() == "size must be positive");
  CHECK(invalid.meta("argument") == "size");
  const twirp::Error required = twirp::RequiredArgumentError("name");
  CHECK(required.msg() == "name is required");
  CHECK(required.meta("argument") == "name");
}

TEST_CASE("WithMeta replaces a key; a missing key reads as empty; cause is not on the wire") {
  twirp::Error e = twirp::InternalError("boom").WithMeta("k", "1").WithCause("std::runtime_error");
  e.WithMeta("k", "2");
  CHECK(e.meta("k") == "2");
  CHECK(e.meta("absent").empty());
  CHECK(e.cause() == "std::runtime_error");
  CHECK(e.ToJson() == R"({"code":"internal","msg":"boom","meta":{"k":"2"}})");
}

TEST_CASE("§4.4 the body is compact code, msg, meta with meta omitted when empty") {
  CHECK(twirp::NotFoundError("no hat").ToJson() == R"({"code":"not_found","msg":"no hat"})");
  CHECK(twirp::UnknownError("").ToJson() == R"({"code":"unknown","msg":""})");
}

TEST_CASE("§4.5 meta keys are sorted byte-wise") {
  const twirp::Error e =
      twirp::InternalError("m").WithMeta("b", "2").WithMeta("a", "1").WithMeta("B", "3").WithMeta(
          "\xc3\xa9", "4");
  CHECK(
      e.ToJson() ==
      "{\"code\":\"internal\",\"msg\":\"m\",\"meta\":{\"B\":\"3\",\"a\":\"1\",\"b\":\"2\",\"\xc3\xa9\":\"4\"}}");
}

TEST_CASE("§4.5 strings are escaped as encoding/json does, HTML characters included") {
  const twirp::Error e =
      twirp::InternalError(
          "<a href=\"x\">&</a> \\ \n\r\t \x01\x08\x0c\x1f\x7f / \xc3\xa9 \xe2\x80\xa8\xe2\x80\xa9")
          .WithMeta("<k>", "&v");
  CHECK(
      e.ToJson() ==
      R"({"code":"internal","msg":"\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e \\ \n\r\t \u0001\u0008\u000c\u001f)"
      "\x7f / \xc3\xa9 "
      R"(\u2028\u2029","meta":{"\u003ck\u003e":"\u0026v"}})");
}

TEST_CASE("§4.5 invalid UTF-8 becomes \\ufffd, one per bad byte, as Go's decoder steps") {
  auto msg_json = [](std::string msg) {
    const std::string json = twirp::InternalError(std::move(msg)).ToJson();
    const std::string prefix = R"({"code":"internal","msg":")";
    REQUIRE(json.rfind(prefix, 0) == 0);
    return json.substr(prefix.size(), json.size() - prefix.size() - 2);
  };
  CHECK(msg_json("a\xff"
                 "b") == "a\\ufffdb");
  CHECK(msg_json("\xe2\x82") == "\\ufffd\\ufffd");             // truncated 3-byte sequence
  CHECK(msg_json("\xc0\xaf") == "\\ufffd\\ufffd");             // overlong
  CHECK(msg_json("\xed\xa0\x80") == "\\ufffd\\ufffd\\ufffd");  // encoded surrogate
  CHECK(msg_json("\xf4\x90\x80\x80") == "\\ufffd\\ufffd\\ufffd\\ufffd");  // above U+10FFFF
  CHECK(msg_json("\xef\xbf\xbd") == "\xef\xbf\xbd");          // a real U+FFFD is written as is
  CHECK(msg_json("\xf0\x9f\x8e\xa9") == "\xf0\x9f\x8e\xa9");  // 4-byte rune
}

TEST_CASE("§4.6 msg is cut to its first 1,000,000 bytes, even inside a UTF-8 sequence") {
  const std::string prefix = R"({"code":"internal","msg":")";
  {
    const std::string json = twirp::InternalError(std::string(1'000'001, 'a')).ToJson();
    CHECK(json == prefix + std::string(1'000'000, 'a') + "\"}");
  }
  {
    // 999,999 bytes + a 2-byte rune: the cut keeps its first byte only.
    const std::string json = twirp::InternalError(std::string(999'999, 'a') + "\xc3\xa9").ToJson();
    CHECK(json == prefix + std::string(999'999, 'a') + "\\ufffd\"}");
  }
  {
    // Meta values are not cut.
    const std::string json =
        twirp::InternalError("m").WithMeta("k", std::string(1'000'001, 'b')).ToJson();
    CHECK(json ==
          R"({"code":"internal","msg":"m","meta":{"k":")" + std::string(1'000'001, 'b') + "\"}}");
  }
}
