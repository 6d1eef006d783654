#pragma once

// Runs a shell command line for end-to-end tests (the real tally binary, chromium):
// stdout is captured, stderr is whatever the command line redirects it to.

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace tally::test {

struct ShellRun {
  int exit_code = -1;  // -1 when the command could not start or did not exit normally
  std::string out;
};

inline ShellRun run_shell(const std::string& command) {
  ShellRun run;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return run;
  }
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) {
    run.out.append(buf, n);
  }
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace tally::test
