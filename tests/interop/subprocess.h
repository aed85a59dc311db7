// The peers' servers and clients (node, twirpcpp-clientcompat) run as child
// processes through the reference system's spawner
// (domain/process/child_process.h), every wait bounded by a deadline.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "process/child_process.h"

namespace twirp::interop {

// Runs `argv` to completion with `input` on stdin, collecting its stdout and
// stderr; past `timeout` it is killed.
inline domain::ChildProcess::Outcome RunProcess(const std::vector<std::string>& argv,
                                                std::string_view input,
                                                std::chrono::milliseconds timeout) {
  domain::ChildProcess process(argv, {.pipe_stdin = true, .capture_stderr = true});
  process.WriteStdin(input);
  return process.Finish(timeout);
}

}  // namespace twirp::interop
