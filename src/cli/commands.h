#pragma once

// The commands of `tally`, one file each (<name>_command.cc), listed in cli.cc's one table.
// A command's setup adds its flags to its CLI11 subcommand and returns what runs it once the
// arguments are parsed; the run gathers data (src/app, src/analytics), has src/render
// spell it, and prints through cli/common.h. It returns the exit status.

#include <CLI/CLI.hpp>
#include <functional>

#include "analytics/rollup.h"

namespace tally::cli {

using Runner = std::function<int()>;

// `tally` with no command: the summary (summary_command.cc); its flags go on the app.
Runner setup_summary(CLI::App& app);
// daily, weekly, monthly, sessions, models, projects (report_command.cc).
Runner setup_report(CLI::App& sub, analytics::Grouping grouping);
Runner setup_problems(CLI::App& sub);
Runner setup_prices(CLI::App& sub);
Runner setup_watch(CLI::App& sub);
Runner setup_statusline(CLI::App& sub);
Runner setup_demo(CLI::App& sub);
Runner setup_windows(CLI::App& sub);
Runner setup_blocks(CLI::App& sub);
Runner setup_concurrency(CLI::App& sub);
Runner setup_session(CLI::App& sub);
Runner setup_doctor(CLI::App& sub);
Runner setup_rebuild(CLI::App& sub);
Runner setup_outcomes(CLI::App& sub);

}  // namespace tally::cli
