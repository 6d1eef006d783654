// The list of commands beyond the built-in reports (cli.cc), in `--help` order. A new
// command is a file of its own with a `Command make_<name>_command()`, listed here.

#include "cli/command.h"

namespace tally::cli {

std::vector<Command> extra_commands() {
  return {};
}

}  // namespace tally::cli
