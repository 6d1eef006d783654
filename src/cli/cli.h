#pragma once

namespace tally::cli {

// Runs tally with the process's arguments; returns the exit status (0 ok, 1 runtime
// failure, 2 usage error). Prints reports to stdout and messages to stderr.
int run_cli(int argc, char** argv);

}  // namespace tally::cli
