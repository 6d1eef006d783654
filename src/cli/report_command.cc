// The reports over one grouping (daily, weekly, monthly, sessions, models, projects) and
// `tally problems`: a Report or the problems list, rendered by src/render in any format.

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/plans_view.h"
#include "analytics/rollup.h"
#include "analytics/row_order.h"
#include "app/clock.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/problems_renderer.h"
#include "render/renderer.h"

namespace tally::cli {
namespace {

std::string_view row_noun(analytics::Grouping grouping) {
  switch (grouping) {
    case analytics::Grouping::day:
      return "days";
    case analytics::Grouping::week:
      return "weeks";
    case analytics::Grouping::month:
      return "months";
    case analytics::Grouping::session:
      return "sessions";
    case analytics::Grouping::model:
      return "models";
    case analytics::Grouping::project:
      return "projects";
  }
  return "rows";
}

// --sort and --limit (--top): the grouped reports only.
void add_order_options(CLI::App& app, ReportOptions& o) {
  app.add_option("--sort", o.sort,
                 fmt::format("order rows by {} (largest first; date: the report's own order)",
                             analytics::kRowOrderNames))
      ->check([](const std::string& name) {
        return analytics::parse_row_order(name)
                   ? std::string()
                   : fmt::format("'{}' is not one of {}", name, analytics::kRowOrderNames);
      });
  app.add_option("--limit,--top", o.limit,
                 "show the first N rows after --sort (e.g. --sort cost --top 10: the ten "
                 "costliest); the total still covers every row")
      ->check(CLI::NonNegativeNumber);
}

// What --help says of --breakdown, above the general help.
constexpr std::string_view kBreakdownHelp = R"(
--breakdown splits every row per agent and model, in every format, and the lines add up to
their row exactly (tokens, requests and cost):

  $ tally daily --breakdown --since 2026-11-21 --until 2026-11-21
  Date                    Agent   Requests  ...  Total tokens  Cost (USD)
  2026-11-21                            42  ...     1,270,308       $3.46 ~
    ├─ claude-sonnet-4-5  claude        37  ...     1,232,000       $3.11
    └─ gemini-3-pro       gemini         5  ...        38,308       $0.35 ~

  JSON: each row gets "breakdown": [{"agent", "model", "requests", ..., "cost_usd",
  "cost_source"}], the same members as the row without its keys.
  CSV: each row's model lines follow it, its keys repeated, and a last column, row_type,
  tells them apart: "total" for the row, "model" for a model's line. Sum one kind only.
  A model without a price reads "unpriced ?" (cost_source "unpriced"), never $0.
)";

// --breakdown: the grouped reports whose rows can hold several models.
void add_breakdown_option(CLI::App& app, ReportOptions& o) {
  app.add_flag("--breakdown", o.breakdown,
               "one line per model under each row, adding up to it (e.g. tally daily "
               "--breakdown --since 7d: what each model cost each day); see below");
  app.footer(std::string(kBreakdownHelp) + app.get_footer());
}

int run_report(analytics::Grouping grouping, const ReportOptions& options) {
  std::optional<analytics::ReportQuery> query;
  std::optional<app::Context> ctx;
  if (auto done = start_report(options, query, ctx, /*html_and_output=*/true)) {
    return *done;
  }
  auto report = analytics::build_report(*ctx->ledger, grouping, *query, *ctx->zone);
  if (!report) {
    return error_exit(report.error());
  }
  // add_order_options admits only known names.
  analytics::order_rows(
      *report, analytics::parse_row_order(options.sort).value_or(analytics::RowOrder::built),
      options.limit, row_noun(grouping));
  auto warned = analytics::add_warnings(*ctx->ledger, analytics::make_filter(*query, *ctx->zone),
                                        ctx->ingest.file_errors, *report, /*pricing=*/false);
  if (!warned) {
    return error_exit(warned.error());
  }
  if (grouping == analytics::Grouping::month) {
    auto planned = analytics::add_monthly_plan_notes(
        *ctx->ledger, ctx->plans, analytics::make_filter(*query, *ctx->zone), *ctx->zone,
        app::now_ms(), *report);
    if (!planned) {
      return error_exit(planned.error());
    }
  }
  std::string out;
  render::make_renderer(format_of(options), render_options(options))->render(*report, out);
  if (format_of(options) == render::Format::csv) {
    print_warnings(render::warning_lines(*report));
  }
  return deliver(options, out);
}

// The ledger's problems (lines, from every run), then the files this run could not read.
// Table, JSON or CSV (render/problems_renderer.h); -o writes a file like the reports.
int run_problems(const ReportOptions& options, bool ack) {
  const render::Format format = format_of(options);
  if (format == render::Format::html) {
    return error_exit(
        Error{Errc::invalid_argument, "tally problems prints table, json or csv; not html"});
  }
  auto ctx = app::prepare(context_options(options), terminal_observer(options.quiet));
  if (!ctx) {
    return error_exit(ctx.error());
  }
  if (ack) {
    if (ctx->ledger->read_only()) {
      return error_exit(Error{Errc::invalid_argument,
                              "the ledger is read-only here: problems cannot be acknowledged"});
    }
    auto n = ctx->ledger->acknowledge_problems();
    if (!n) {
      return error_exit(n.error());
    }
    fmt::print("acknowledged {} unusable line{}: reports warn again only when new ones appear "
               "(tally problems still lists them all)\n",
               *n, *n == 1 ? "" : "s");
    return 0;
  }
  auto problems = ctx->ledger->problems(1000000);
  if (!problems) {
    return error_exit(problems.error());
  }
  std::vector<ParseProblem> all = std::move(problems->first);
  all.insert(all.end(), ctx->ingest.file_errors.begin(), ctx->ingest.file_errors.end());
  std::string out;
  render::render_problems(all, format, render_options(options), out);
  return deliver(options, out);
}

}  // namespace

Runner setup_report(CLI::App& sub, analytics::Grouping grouping) {
  auto options = std::make_shared<ReportOptions>();
  add_report_options(sub, *options);
  add_order_options(sub, *options);
  // A models report's rows are one model each already.
  if (grouping != analytics::Grouping::model) {
    add_breakdown_option(sub, *options);
  }
  return [options, grouping] { return run_report(grouping, *options); };
}

Runner setup_problems(CLI::App& sub) {
  auto options = std::make_shared<ReportOptions>();
  auto ack = std::make_shared<bool>(false);
  add_report_options(sub, *options);
  sub.add_flag("--ack", *ack,
               "acknowledge every problem listed now: reports stop warning about them and warn "
               "again only when new ones appear");
  return [options, ack] { return run_problems(*options, *ack); };
}

}  // namespace tally::cli
