// Where the runtime's log lines go. twirpcpp reports what happens to a request
// as values (twirp::Error) and through hooks; the log is for what has no caller
// to return to. Today that is protobuf's own log: parsing a proto3 string field
// that is not UTF-8 writes "[libprotobuf ERROR] ..." on every such request,
// which the server already answers with `malformed` (docs/wire-protocol.md
// §2.6), so a client could flood stderr at will.
//
// RouteProtobufLogs() sends protobuf's log to the sink set here, at most one
// record per second for each place in protobuf that logs (the rest counted in
// the next record's `suppressed`). Every Server calls it when it is created,
// because a server is where bytes from strangers are parsed and a program
// should not have to remember a call to be safe; a program that is only a
// client may call it itself. A program that installs its own protobuf
// LogHandler after creating a Server keeps its own.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace twirp {

enum class LogLevel { kInfo, kWarning, kError };

// "INFO", "WARNING", "ERROR".
std::string_view LogLevelName(LogLevel level);

// One line of the log. The views live only for the call to the sink.
struct LogRecord {
  LogLevel level = LogLevel::kInfo;
  std::string_view source;  // who wrote it: "protobuf"
  std::string_view file;    // where in the source, when known
  int line = 0;
  std::string_view message;
  // Records from the same place that the rate limit dropped since the last one
  // that went out.
  std::uint64_t suppressed = 0;
};

using LogSink = std::function<void(const LogRecord&)>;

// Process-wide, thread-safe. The sink may be called from any thread, also
// concurrently; an empty sink restores the default, WriteLogToStderr.
void SetLogSink(LogSink sink);

// The default sink: one line to stderr,
//   twirpcpp [protobuf ERROR] google/protobuf/wire_format_lite.cc:581: String field ...
// followed by " (N more like it suppressed)" when the rate limit dropped some.
void WriteLogToStderr(const LogRecord& record);

// Installs protobuf's LogHandler (once; later calls do nothing) sending its
// records through the rate limit to the sink.
void RouteProtobufLogs();

}  // namespace twirp
