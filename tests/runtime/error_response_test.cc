// How a client reads a non-200 response, as a Go twirp client does (wire-protocol.md §6.5-6.11).
#include <catch2/catch.hpp>

#include <string>

#include "client/error_decoding.h"

namespace {

using twirp::ErrorCode;
using twirp::internal::ErrorFromHttpResponse;

void CheckIntermediary(const twirp::Error& e, ErrorCode code, int status, std::string_view reason,
                       std::string_view body) {
  CHECK(e.code() == code);
  CHECK(e.msg() == "Error from intermediary with HTTP status code " + std::to_string(status) +
                       " \"" + std::string(reason) + "\"");
  CHECK(e.meta().size() == 3);
  CHECK(e.meta("http_error_from_intermediary") == "true");
  CHECK(e.meta("status_code") == std::to_string(status));
  CHECK(e.meta("body") == body);
}

}  // namespace

TEST_CASE("§6.5 a 3xx is internal with Location quoted, and its body is not read") {
  const twirp::Error e =
      ErrorFromHttpResponse(302, "", R"({"code":"not_found","msg":"x"})", "https://example.com/x");
  CHECK(e.code() == ErrorCode::kInternal);
  CHECK(e.msg() ==
        R"(unexpected HTTP status code 302 "Found" received, Location="https://example.com/x")");
  CHECK(e.meta().size() == 3);
  CHECK(e.meta("http_error_from_intermediary") == "true");
  CHECK(e.meta("status_code") == "302");
  CHECK(e.meta("location") == "https://example.com/x");
  CHECK(e.meta("body").empty());
}

TEST_CASE("§6.5 Location and reason are quoted like Go's %q") {
  const twirp::Error e = ErrorFromHttpResponse(307, "", "", "/a\"b\\c\td\x01\xff\xc3\xa9\xc2\xa0");
  CHECK(e.msg() ==
        "unexpected HTTP status code 307 \"Temporary Redirect\" received, "
        "Location=\"/a\\\"b\\\\c\\td\\x01\\xff\xc3\xa9\\u00a0\"");
  CHECK(e.meta("location") == "/a\"b\\c\td\x01\xff\xc3\xa9\xc2\xa0");
  // A missing Location is "", as Header.Get gives.
  CHECK(ErrorFromHttpResponse(301, "", "", "").msg() ==
        R"(unexpected HTTP status code 301 "Moved Permanently" received, Location="")");
}

TEST_CASE("§6.8 a valid Twirp error body wins over the status") {
  const twirp::Error e = ErrorFromHttpResponse(
      500, "", R"({"code":"not_found","msg":"no hat","meta":{"size":"7","a":""}})", "");
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK(e.msg() == "no hat");
  CHECK(e.meta().size() == 2);
  CHECK(e.meta("size") == "7");
  // 200-range and odd statuses too: only the body counts.
  CHECK(ErrorFromHttpResponse(201, "", R"({"code":"aborted","msg":""})", "").code() ==
        ErrorCode::kAborted);
}

TEST_CASE("§6.6 only the first JSON value of the body is read") {
  const twirp::Error e = ErrorFromHttpResponse(
      400, "", " \n{\"code\":\"malformed\",\"msg\":\"m\"} trailing {garbage", "");
  CHECK(e.code() == ErrorCode::kMalformed);
  CHECK(e.msg() == "m");
}

TEST_CASE("§6.6 keys match case-insensitively and null leaves a field alone, as in encoding/json") {
  const twirp::Error e = ErrorFromHttpResponse(
      500, "", R"({"CODE":"unavailable","Msg":"first","msg":null,"META":{"k":null,"j":"v"}})", "");
  CHECK(e.code() == ErrorCode::kUnavailable);
  CHECK(e.msg() == "first");
  CHECK(e.meta().size() == 2);
  CHECK(e.meta("k").empty());
  CHECK(e.meta("j") == "v");
  // A repeated meta merges into the same map; null clears it.
  const twirp::Error merged = ErrorFromHttpResponse(
      500, "", R"({"code":"internal","meta":{"a":"1"},"meta":{"b":"2"}})", "");
  CHECK(merged.meta().size() == 2);
  const twirp::Error cleared =
      ErrorFromHttpResponse(500, "", R"({"code":"internal","meta":{"a":"1"},"meta":null})", "");
  CHECK(cleared.meta().empty());
  // Escapes are decoded; invalid UTF-8 and lone surrogates become U+FFFD.
  const twirp::Error escaped =
      ErrorFromHttpResponse(500, "", "{\"code\":\"intern\\u0061l\",\"msg\":\"\\ud800x\xff\"}", "");
  CHECK(escaped.code() == ErrorCode::kInternal);
  CHECK(escaped.msg() == "\xef\xbf\xbdx\xef\xbf\xbd");
}

TEST_CASE("§6.7 bodies a Go client does not accept are intermediary errors") {
  const char* bodies[] = {
      "garbage",
      "",
      "   ",
      "null",
      "[]",
      "\"not_found\"",
      R"({"code":"not_found","msg":"x","extra":1})",  // unknown key
      R"({"code":"not_found","meta":{"k":1}})",       // non-string meta value
      R"({"code":"not_found","meta":[]})",
      R"({"code":5})",
      R"({"msg":"no code"})",               // missing code
      R"({"code":"","msg":"empty code"})",  // empty code
      R"({"code":null})",
      R"({"code":"not_found","msg":"x")",  // unterminated
      R"({"code":"not_found",})",          // trailing comma
      "{'code':'not_found'}",
      "{\"code\":\"not_found\",\"msg\":\"a\x01\"}",  // raw control character
  };
  for (const char* body : bodies) {
    INFO(body);
    CheckIntermediary(ErrorFromHttpResponse(404, "", body, ""), ErrorCode::kBadRoute, 404,
                      "Not Found", body);
  }
}

TEST_CASE("§6.10 §6.11 intermediary codes by status, with Go's reason phrases") {
  struct Case {
    int status;
    ErrorCode code;
    const char* reason;
  };
  const Case cases[] = {
      {400, ErrorCode::kInternal, "Bad Request"},
      {401, ErrorCode::kUnauthenticated, "Unauthorized"},
      {403, ErrorCode::kPermissionDenied, "Forbidden"},
      {404, ErrorCode::kBadRoute, "Not Found"},
      {429, ErrorCode::kResourceExhausted, "Too Many Requests"},
      {502, ErrorCode::kUnavailable, "Bad Gateway"},
      {503, ErrorCode::kUnavailable, "Service Unavailable"},
      {504, ErrorCode::kUnavailable, "Gateway Timeout"},
      {500, ErrorCode::kUnknown, "Internal Server Error"},
      {408, ErrorCode::kUnknown, "Request Timeout"},
      {204, ErrorCode::kUnknown, "No Content"},
      {418, ErrorCode::kUnknown, "I'm a teapot"},
      {413, ErrorCode::kUnknown, "Request Entity Too Large"},
      {599, ErrorCode::kUnknown, ""},  // StatusText is "" for statuses Go does not know
  };
  for (const Case& c : cases) {
    INFO(c.status);
    CheckIntermediary(ErrorFromHttpResponse(c.status, "", "<html>busy</html>", ""), c.code,
                      c.status, c.reason, "<html>busy</html>");
  }
}

TEST_CASE("§6.11 a reason phrase passed in is used instead of the lookup") {
  CheckIntermediary(ErrorFromHttpResponse(503, "Slow Down", "x", ""), ErrorCode::kUnavailable, 503,
                    "Slow Down", "x");
}

TEST_CASE("§6.9 a code outside the table is internal with the raw body in meta") {
  const std::string body = R"({"code":"NOT_FOUND","msg":"x","meta":{"a":"b"}})";
  const twirp::Error e = ErrorFromHttpResponse(404, "", body, "");
  CHECK(e.code() == ErrorCode::kInternal);
  CHECK(e.msg() == "invalid type returned from server error response: NOT_FOUND");
  CHECK(e.meta().size() == 1);
  CHECK(e.meta("body") == body);
}

TEST_CASE("§4.2 deliberate difference: the spec's \"dataloss\" is read as data_loss") {
  const twirp::Error e = ErrorFromHttpResponse(500, "", R"({"code":"dataloss","msg":"gone"})", "");
  CHECK(e.code() == ErrorCode::kDataLoss);
  CHECK(e.msg() == "gone");
  CHECK(ErrorFromHttpResponse(500, "", R"({"code":"data_loss","msg":"gone"})", "").code() ==
        ErrorCode::kDataLoss);
}

TEST_CASE("§6.8 every code a server sends comes back unchanged through its own body") {
  for (int i = 0; i < twirp::kErrorCodeCount; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const twirp::Error sent = twirp::Error(code, "m <&> \xe2\x80\xa8").WithMeta("k", "v");
    const twirp::Error got = ErrorFromHttpResponse(twirp::HttpStatus(code), "", sent.ToJson(), "");
    CHECK(got == sent);
  }
}

TEST_CASE("hostile error bodies do not crash the client") {
  CheckIntermediary(ErrorFromHttpResponse(500, "", std::string(100'000, '['), ""),
                    ErrorCode::kUnknown, 500, "Internal Server Error", std::string(100'000, '['));
  const std::string deep = R"({"code":"internal","meta":)" + std::string(50'000, '{');
  CHECK(ErrorFromHttpResponse(500, "", deep, "").meta("http_error_from_intermediary") == "true");
}
