#include "twirpcpp/log.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <google/protobuf/stubs/logging.h>

namespace twirp {

namespace {

// A shared_ptr so that a sink is called outside the lock while SetLogSink may
// replace it.
struct SinkSlot {
  std::mutex mutex;
  std::shared_ptr<const LogSink> sink;
};

SinkSlot& Slot() {
  static SinkSlot slot;
  return slot;
}

void Emit(const LogRecord& record) {
  std::shared_ptr<const LogSink> sink;
  {
    std::lock_guard lock(Slot().mutex);
    sink = Slot().sink;
  }
  if (sink) {
    (*sink)(record);
  } else {
    WriteLogToStderr(record);
  }
}

// One record per second for each place that logs. Places are told apart by the
// address of their __FILE__ literal and their line, which needs no copy of the
// name; only records that are logged at all come here, never the request path.
class RateLimit {
 public:
  static constexpr std::chrono::seconds kInterval{1};

  // Whether this record goes out, and how many were dropped before it.
  std::pair<bool, std::uint64_t> Admit(const char* file, int line) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    auto [it, first] = places_.try_emplace({file, line});
    Place& place = it->second;
    if (!first && now - place.last_out < kInterval) {
      ++place.suppressed;
      return {false, 0};
    }
    place.last_out = now;
    return {true, std::exchange(place.suppressed, 0)};
  }

 private:
  struct Place {
    std::chrono::steady_clock::time_point last_out;
    std::uint64_t suppressed = 0;
  };
  std::mutex mutex_;
  std::map<std::pair<const char*, int>, Place> places_;
};

RateLimit& ProtobufRateLimit() {
  static RateLimit limit;
  return limit;
}

void HandleProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                       const std::string& message) {
  LogRecord record{
      .source = "protobuf", .file = file != nullptr ? file : "", .line = line, .message = message};
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO: record.level = LogLevel::kInfo; break;
    case google::protobuf::LOGLEVEL_WARNING: record.level = LogLevel::kWarning; break;
    default: record.level = LogLevel::kError; break;
  }
  // FATAL is the last line before protobuf aborts: never dropped.
  if (level != google::protobuf::LOGLEVEL_FATAL) {
    const auto [admitted, suppressed] = ProtobufRateLimit().Admit(file, line);
    if (!admitted) return;
    record.suppressed = suppressed;
  }
  Emit(record);
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarning: return "WARNING";
    case LogLevel::kError: return "ERROR";
  }
  return "UNKNOWN";
}

void SetLogSink(LogSink sink) {
  auto shared = sink ? std::make_shared<const LogSink>(std::move(sink)) : nullptr;
  std::lock_guard lock(Slot().mutex);
  Slot().sink = std::move(shared);
}

void WriteLogToStderr(const LogRecord& record) {
  std::string line = "twirpcpp [";
  line.append(record.source).append(" ").append(LogLevelName(record.level)).append("] ");
  if (!record.file.empty()) {
    line.append(record.file).append(":").append(std::to_string(record.line)).append(": ");
  }
  line.append(record.message);
  if (record.suppressed > 0) {
    line.append(" (").append(std::to_string(record.suppressed)).append(" more like it suppressed)");
  }
  line += '\n';
  // One write per line, so that lines of concurrent threads do not interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void RouteProtobufLogs() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&HandleProtobufLog); });
}

}  // namespace twirp
