#pragma once

// One subcommand of `tally`. Each command lives in its own file and hands cli.cc one of
// these (see commands.cc for the list): `setup` adds the command's flags to its CLI11
// subcommand and returns what runs it once the arguments are parsed.

#include <CLI/CLI.hpp>
#include <functional>
#include <string_view>
#include <vector>

namespace tally::cli {

struct Command {
  std::string_view name;
  std::string_view summary;
  std::function<std::function<int()>(CLI::App& sub)> setup;
};

// Every command after the built-in report commands, in `--help` order.
std::vector<Command> extra_commands();

}  // namespace tally::cli
