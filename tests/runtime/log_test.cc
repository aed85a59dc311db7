// twirpcpp/log.h: protobuf's log routed to the runtime's sink, rate-limited,
// never straight to stderr.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

#include "server_test_util.h"
#include "twirpcpp/log.h"

using namespace twirp::testing;

namespace {

constexpr std::string_view kProto = "application/protobuf";

// Everything the process writes to stderr (fd 2) while it lives.
class StderrCapture {
 public:
  StderrCapture() : file_(std::tmpfile()), saved_(dup(STDERR_FILENO)) {
    REQUIRE(file_ != nullptr);
    std::fflush(stderr);
    REQUIRE(dup2(fileno(file_), STDERR_FILENO) >= 0);
  }
  ~StderrCapture() {
    Restore();
    std::fclose(file_);
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  std::string Text() {
    Restore();
    std::string text;
    std::rewind(file_);
    char buffer[4096];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, file_))
      text.append(buffer, n);
    return text;
  }

 private:
  void Restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }
  std::FILE* file_;
  int saved_;
};

struct CapturedRecord {
  twirp::LogLevel level;
  std::string source;
  std::string message;
  std::uint64_t suppressed;
};

// A sink for one test, restored to the default when the test ends.
class SinkCapture {
 public:
  SinkCapture() {
    twirp::SetLogSink([this](const twirp::LogRecord& record) {
      std::lock_guard lock(mutex_);
      records_.push_back({record.level, std::string(record.source), std::string(record.message),
                          record.suppressed});
    });
  }
  ~SinkCapture() { twirp::SetLogSink(nullptr); }
  SinkCapture(const SinkCapture&) = delete;
  SinkCapture& operator=(const SinkCapture&) = delete;

  std::vector<CapturedRecord> records() {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  std::mutex mutex_;
  std::vector<CapturedRecord> records_;
};

// EchoRequest{text = "\xff\xfe"}: field 1, length 2, bytes that are not UTF-8.
const std::string kInvalidUtf8Echo("\x0a\x02\xff\xfe", 4);

}  // namespace

TEST_CASE(
    "§2.6 invalid UTF-8 in a string field is malformed and protobuf's log line reaches the sink "
    "rate-limited and not stderr") {
  TestServer server;
  SinkCapture sink;
  StderrCapture captured_stderr;
  const auto start = std::chrono::steady_clock::now();
  constexpr int kRequests = 100;
  for (int i = 0; i < kRequests; ++i) {
    auto response = server.Post(kEchoPath, kProto, kInvalidUtf8Echo);
    REQUIRE(response);
    REQUIRE(response->status == 400);
    REQUIRE(response->body ==
            R"({"code":"malformed","msg":"the protobuf request could not be decoded"})");
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const std::string written_to_stderr = captured_stderr.Text();
  CHECK(written_to_stderr.find("libprotobuf") == std::string::npos);
  CHECK(written_to_stderr.find("UTF-8") == std::string::npos);

  const auto records = sink.records();
  REQUIRE_FALSE(records.empty());
  // One place in protobuf logs this: at most one record per started second.
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
  CHECK(records.size() <= static_cast<std::size_t>(seconds) + 1);
  std::uint64_t accounted = 0;
  for (const auto& record : records) {
    CHECK(record.source == "protobuf");
    CHECK(record.level == twirp::LogLevel::kError);
    CHECK(record.message.find("invalid UTF-8") != std::string::npos);
    accounted += 1 + record.suppressed;
  }
  CHECK(accounted <= kRequests);
}

TEST_CASE("the default log sink writes one line to stderr with the suppressed count") {
  StderrCapture captured_stderr;
  twirp::WriteLogToStderr({.level = twirp::LogLevel::kWarning,
                           .source = "protobuf",
                           .file = "a.cc",
                           .line = 7,
                           .message = "careful",
                           .suppressed = 3});
  CHECK(captured_stderr.Text() ==
        "twirpcpp [protobuf WARNING] a.cc:7: careful (3 more like it suppressed)\n");
}
