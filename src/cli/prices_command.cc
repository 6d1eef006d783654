// `tally prices list | show MODEL | import FILE | check`: the price table as tally sees it
// (built-in < imported < config overrides, plus aliases), importing community price lists
// offline, and checking the ledger's models against the table and the agents' own figures.
// render/prices_renderer.h spells the output.

#include <fmt/format.h>

#include <memory>
#include <utility>
#include <vector>

#include "app/clock.h"
#include "app/context.h"
#include "app/prices.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "render/prices_renderer.h"
#include "render/utf8.h"

namespace tally::cli {
namespace {

enum class PricesAction { list, show, import_file, check };

struct PricesOptions {
  std::string model;   // show
  std::string at;      // show: price valid on this day (default today)
  std::string file;    // import
  std::string format;  // import: litellm | models-dev (default: detected)
  bool json = false;
  bool quiet = false;
};

int prices_list(const PricesOptions& o) {
  auto loaded = app::load_prices();
  if (!loaded) {
    return error_exit(loaded.error());
  }
  const auto& [config, pricer] = *loaded;
  print(render::render_price_list(pricer->table().rows(), pricer->aliases(),
                                  pricer->table().model_count(), config.config_path, o.json));
  return kExitOk;
}

int prices_show(const PricesOptions& o) {
  auto loaded = app::load_prices();
  if (!loaded) {
    return error_exit(loaded.error());
  }
  const auto& [config, pricer] = *loaded;
  TimeMs at = app::now_ms();
  if (!o.at.empty()) {
    auto d = parse_date(o.at);
    if (!d) {
      return error_exit(Error{Errc::invalid_argument,
                              fmt::format("--at '{}' is not a date like 2026-11-01", o.at)});
    }
    at = static_cast<TimeMs>(days_from_civil(*d)) * 86400000 + 43200000;  // noon UTC
  }
  auto match = pricer->match(o.model, at);
  if (!match) {
    fmt::print(stderr,
               "tally: no price for '{}': not in the table under any lookup step (exact, provider "
               "prefix, date suffix, version). Add an alias or a price under [pricing] in {}\n",
               render::terminal_safe(o.model), config.config_path);
    return kExitFailure;
  }
  const pricing::PriceRow& row = *match->row;
  print(render::render_price_show(o.model, row, pricing::match_step_name(match->step),
                                  match->alias_target, pricer->table().history(row.key), o.json));
  return kExitOk;
}

int prices_import(const PricesOptions& o) {
  auto imported = app::import_prices(o.file, o.format);
  if (!imported) {
    return error_exit(imported.error());
  }
  print(
      fmt::format("Imported {} models from {} ({} format; {} entries skipped) into {}.\n"
                  "They sit between the built-in table and your [pricing] overrides; the next run\n"
                  "reprices the ledger's history with them. Remove the file to undo.\n",
                  imported->models, o.file, imported->format, imported->skipped, imported->path));
  return kExitOk;
}

int prices_check(const PricesOptions& o) {
  app::ContextOptions co;
  auto ctx = app::prepare(co, terminal_observer(o.quiet));
  if (!ctx) {
    return error_exit(ctx.error());
  }
  auto rows = ctx->ledger->price_check();
  if (!rows) {
    return error_exit(rows.error());
  }
  print(render::render_price_check(*rows, ctx->config.config_path));
  return kExitOk;
}

int run_prices(PricesAction action, const PricesOptions& options) {
  switch (action) {
    case PricesAction::list:
      return prices_list(options);
    case PricesAction::show:
      return prices_show(options);
    case PricesAction::import_file:
      return prices_import(options);
    case PricesAction::check:
      return prices_check(options);
  }
  return kExitUsage;
}

}  // namespace

Runner setup_prices(CLI::App& sub) {
  auto options = std::make_shared<PricesOptions>();
  PricesOptions& o = *options;
  sub.require_subcommand(1);
  CLI::App* list = sub.add_subcommand("list", "every model and rate tally prices with");
  list->add_flag("--json", o.json, "print JSON");
  CLI::App* show = sub.add_subcommand("show", "how a model name is priced, and its price history");
  show->add_option("model", o.model, "model name as the agent logs it")->required();
  show->add_option("--at", o.at, "the price valid on this day (YYYY-MM-DD)");
  show->add_flag("--json", o.json, "print JSON");
  CLI::App* import = sub.add_subcommand(
      "import",
      "read a LiteLLM model_prices_and_context_window.json or models.dev api.json "
      "(offline) into your table");
  import->add_option("file", o.file, "the JSON file")->required();
  import->add_option("--format", o.format, "litellm or models-dev (default: detected)");
  CLI::App* check = sub.add_subcommand(
      "check", "models without a price, and tally's cost vs the agent's own figure");
  check->add_flag("-q,--quiet", o.quiet, "no progress output on stderr");
  const std::vector<std::pair<CLI::App*, PricesAction>> actions = {
      {list, PricesAction::list},
      {show, PricesAction::show},
      {import, PricesAction::import_file},
      {check, PricesAction::check}};
  return [options, actions] {
    for (const auto& [app, action] : actions) {
      if (app->parsed()) {
        return run_prices(action, *options);
      }
    }
    return kExitUsage;
  };
}

}  // namespace tally::cli
