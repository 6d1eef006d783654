// The list of commands beyond the built-in reports (cli.cc), in `--help` order. A new
// command is a file of its own with a `Command make_<name>_command()`, listed here.

#include "cli/command.h"

namespace tally::cli {

Command make_demo_command();
Command make_statusline_command();
Command make_watch_command();
Command make_windows_command();
Command make_blocks_command();
Command make_concurrency_command();
Command make_session_command();
Command make_doctor_command();
Command make_rebuild_command();

std::vector<Command> extra_commands() {
  return {
      make_watch_command(),
      make_statusline_command(),
      make_demo_command(),
      make_windows_command(),
      make_blocks_command(),
      make_concurrency_command(),
      make_session_command(),
      make_doctor_command(),
      make_rebuild_command(),
  };
}

}  // namespace tally::cli
