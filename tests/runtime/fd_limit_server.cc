// A test server in a process of its own, started under a descriptor limit:
// `fd_limit_server SOFT HARD` sets RLIMIT_NOFILE, starts the Echo server on
// 127.0.0.1:0, prints "<port> <soft limit after Start>\n" and serves until its
// standard input closes. Its own process, because Server::Start raises the limit
// once per process and a test must not lower its own hard limit for good.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "server_test_util.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  rlimit lim{};
  lim.rlim_cur = std::strtoul(argv[1], nullptr, 10);
  lim.rlim_max = std::strtoul(argv[2], nullptr, 10);
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) return 3;
  twirp::ServerOptions options = twirp::testing::TestOptions();
  options.header_timeout = std::chrono::seconds(10);
  options.idle_timeout = std::chrono::seconds(30);
  twirp::testing::TestServer server(options);
  getrlimit(RLIMIT_NOFILE, &lim);
  std::printf("%u %lu\n", static_cast<unsigned>(server.port()),
              static_cast<unsigned long>(lim.rlim_cur));
  std::fflush(stdout);
  char c;
  while (read(STDIN_FILENO, &c, 1) > 0) {
  }
  return 0;
}
