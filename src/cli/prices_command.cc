// `tally prices list | show MODEL | import FILE | check`: the price table as tally sees it
// (built-in < imported < config overrides, plus aliases), importing community price lists
// offline, and checking the ledger's models against the table and the agents' own figures.

#include "cli/prices_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/context.h"
#include "core/agent.h"
#include "pricing/import.h"
#include "pricing/table_format.h"
#include "render/json_renderer.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::cli {
namespace {

// $ per million tokens, as the price pages print them.
std::string per_mtok(double per_token_mtok) { return render::format_decimal(per_token_mtok); }

void print(const std::string& out) { std::fwrite(out.data(), 1, out.size(), stdout); }

int fail_with(const Error& e) {
  fmt::print(stderr, "tally: error: {}\n", render::terminal_safe(e.message));
  return e.code == Errc::invalid_argument ? 2 : 1;
}

TimeMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string row_json(const pricing::PriceRow& r) {
  std::string out = "{\"key\": ";
  render::append_json_string(r.key, out);
  out += ", \"provider\": ";
  render::append_json_string(r.provider, out);
  out += fmt::format(
      ", \"since\": \"{}\", \"input\": {}, \"output\": {}, \"cache_read\": {}, "
      "\"cache_write_5m\": {}, \"cache_write_1h\": {}, \"long_context_threshold\": {}, "
      "\"fast_multiplier\": {}, \"priority_multiplier\": {}, \"us_multiplier\": {}}}",
      format_date(r.since), per_mtok(r.standard.input), per_mtok(r.standard.output),
      per_mtok(r.standard.cache_read), per_mtok(r.standard.cache_write_5m),
      per_mtok(r.standard.cache_write_1h), r.long_context_threshold,
      render::format_decimal(r.fast_multiplier), render::format_decimal(r.priority_multiplier),
      render::format_decimal(r.us_multiplier));
  return out;
}

// Keys and providers may come from an imported community price list: escaped.
std::string rows_table(const std::vector<pricing::PriceRow>& rows) {
  std::string out = fmt::format("{:<34} {:<10} {:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>5}\n",
                                "Model", "Provider", "Since", "Input", "Output", "Cache rd",
                                "Write 5m", "Write 1h", "Long ctx", "Fast");
  for (const pricing::PriceRow& r : rows) {
    out += fmt::format(
        "{:<34} {:<10} {:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>5}\n",
        render::terminal_safe(r.key), render::terminal_safe(r.provider), format_date(r.since),
        per_mtok(r.standard.input), per_mtok(r.standard.output), per_mtok(r.standard.cache_read),
        per_mtok(r.standard.cache_write_5m), per_mtok(r.standard.cache_write_1h),
        r.long_context_threshold > 0 ? fmt::format(">{}k", r.long_context_threshold / 1000) : "-",
        r.fast_multiplier != 1 ? fmt::format("{}x", render::format_decimal(r.fast_multiplier))
                               : "-");
  }
  out += "Prices in $ per million tokens.\n";
  return out;
}

int prices_list(const PricesOptions& o) {
  auto config = load_config();
  if (!config) {
    return fail_with(config.error());
  }
  auto pricer = load_pricer(*config);
  if (!pricer) {
    return fail_with(pricer.error());
  }
  const std::vector<pricing::PriceRow> rows = (*pricer)->table().rows();
  std::string out;
  if (o.json) {
    out = "{\"models\": [\n";
    for (size_t i = 0; i < rows.size(); ++i) {
      out += "  " + row_json(rows[i]) + (i + 1 < rows.size() ? ",\n" : "\n");
    }
    out += "], \"aliases\": {";
    bool first = true;
    for (const auto& [from, to] : (*pricer)->aliases()) {
      out += first ? "" : ", ";
      render::append_json_string(from, out);
      out += ": ";
      render::append_json_string(to, out);
      first = false;
    }
    out += "}}\n";
  } else {
    out = rows_table(rows);
    for (const auto& [from, to] : (*pricer)->aliases()) {
      out +=
          fmt::format("alias: {} = {}\n", render::terminal_safe(from), render::terminal_safe(to));
    }
    out += fmt::format("{} models, {} rows. Layers: built-in < imported < [pricing] in {}\n",
                       (*pricer)->table().model_count(), rows.size(), config->config_path);
  }
  print(out);
  return 0;
}

int prices_show(const PricesOptions& o) {
  auto config = load_config();
  if (!config) {
    return fail_with(config.error());
  }
  auto pricer = load_pricer(*config);
  if (!pricer) {
    return fail_with(pricer.error());
  }
  TimeMs at = now_ms();
  if (!o.at.empty()) {
    auto d = parse_date(o.at);
    if (!d) {
      return fail_with(Error{Errc::invalid_argument,
                             fmt::format("--at '{}' is not a date like 2026-11-01", o.at)});
    }
    at = static_cast<TimeMs>(days_from_civil(*d)) * 86400000 + 43200000;  // noon UTC
  }
  auto match = (*pricer)->match(o.model, at);
  if (!match) {
    fmt::print(stderr,
               "tally: no price for '{}': not in the table under any lookup step (exact, provider "
               "prefix, date suffix, version). Add an alias or a price under [pricing] in {}\n",
               render::terminal_safe(o.model), config->config_path);
    return 1;
  }
  const pricing::PriceRow& row = *match->row;
  std::string out;
  if (o.json) {
    out = "{\"model\": ";
    render::append_json_string(o.model, out);
    out += ", \"matched_by\": ";
    render::append_json_string(pricing::match_step_name(match->step), out);
    out += ", \"row\": " + row_json(row) + "}\n";
  } else {
    out = fmt::format("{} is priced as {} (matched by: {}{})\n", render::terminal_safe(o.model),
                      render::terminal_safe(row.key), pricing::match_step_name(match->step),
                      match->alias_target.empty()
                          ? ""
                          : ", alias of " + render::terminal_safe(match->alias_target));
    out += rows_table((*pricer)->table().history(row.key));
    if (row.long_context_threshold > 0) {
      out += fmt::format("Above {} prompt tokens the whole request costs input {} / output {}.\n",
                         row.long_context_threshold, per_mtok(row.long_context.input),
                         per_mtok(row.long_context.output));
    }
    if (row.priority) {
      out += fmt::format("Priority: input {} / output {}.\n", per_mtok(row.priority->input),
                         per_mtok(row.priority->output));
    } else if (row.priority_multiplier != 1) {
      out += fmt::format("Priority: x{}.\n", render::format_decimal(row.priority_multiplier));
    }
    if (row.us_multiplier != 1) {
      out += fmt::format("US-only inference: x{}.\n", render::format_decimal(row.us_multiplier));
    }
  }
  print(out);
  return 0;
}

int prices_import(const PricesOptions& o) {
  auto config = load_config();
  if (!config) {
    return fail_with(config.error());
  }
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    return fail_with(Error{Errc::io, fmt::format("cannot read {}", o.file)});
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::string format = o.format;
  if (format.empty()) {
    // models.dev's api.json nests models under providers; LiteLLM's is flat with sample_spec.
    format = text.find("\"sample_spec\"") != std::string::npos ||
                     text.find("input_cost_per_token") != std::string::npos
                 ? "litellm"
                 : "models-dev";
  }
  Result<pricing::ImportReport> report = fail(Errc::invalid_argument, "");
  if (format == "litellm") {
    report = pricing::import_litellm(text);
  } else if (format == "models-dev") {
    report = pricing::import_models_dev(text);
  } else {
    return fail_with(Error{Errc::invalid_argument,
                           fmt::format("--format '{}': use litellm or models-dev", format)});
  }
  if (!report) {
    return fail_with(
        Error{report.error().code, fmt::format("{}: {}", o.file, report.error().message)});
  }
  if (report->rows.empty()) {
    return fail_with(
        Error{Errc::parse,
              fmt::format("{}: no priced chat models found (is it a {} file?)", o.file, format)});
  }
  if (auto made = make_dirs(config->data_dir); !made) {
    return fail_with(made.error());
  }
  const std::string path = imported_prices_path(*config);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << pricing::write_price_table(
        report->rows,
        fmt::format("# Imported by `tally prices import` from {} ({})", o.file, format));
    if (!out) {
      return fail_with(Error{Errc::io, fmt::format("cannot write {}", tmp)});
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail_with(Error{Errc::io, fmt::format("cannot write {}", path)});
  }
  print(
      fmt::format("Imported {} models from {} ({} format; {} entries skipped) into {}.\n"
                  "They sit between the built-in table and your [pricing] overrides; the next run\n"
                  "reprices the ledger's history with them. Remove the file to undo.\n",
                  report->rows.size(), o.file, format, report->skipped, path));
  return 0;
}

int prices_check(const PricesOptions& o) {
  ReportOptions ro;
  ro.quiet = o.quiet;
  auto ctx = prepare(ro);
  if (!ctx) {
    return fail_with(ctx.error());
  }
  auto rows = ctx->ledger->price_check();
  if (!rows) {
    return fail_with(rows.error());
  }
  std::string out;
  std::string unpriced;
  std::string compared;
  std::string reported;
  for (const store::PriceCheckRow& r : *rows) {
    // Model names come from the logs: escaped for the terminal.
    const std::string name =
        fmt::format("{} ({})", r.model.empty() ? "(unknown model)" : render::terminal_safe(r.model),
                    agent_name(r.agent));
    if (r.unpriced_requests > 0) {
      unpriced += fmt::format("  {:<40} {:>8} request{}\n", name, r.unpriced_requests,
                              r.unpriced_requests == 1 ? "" : "s");
    }
    if (r.both_requests > 0) {
      const double diff = r.computed_usd - r.reported_usd;
      const double pct = r.reported_usd != 0 ? 100.0 * diff / r.reported_usd : 0.0;
      compared +=
          fmt::format("  {:<40} {:>8} {:>12} {:>12} {:>+9.2f}%{}\n", name, r.both_requests,
                      render::format_usd(r.computed_usd), render::format_usd(r.reported_usd), pct,
                      std::fabs(pct) >= 1.0 ? "  <- check this price" : "");
    }
    if (r.reported_requests > 0) {
      reported += fmt::format("  {:<40} {:>8} requests {:>12}\n", name, r.reported_requests,
                              render::format_usd(r.reported_only_usd));
    }
  }
  out += "Models with no price (counted as $0 in every report, with a warning):\n";
  out += unpriced.empty() ? "  none\n" : unpriced;
  out += "\nModels priced from the agent's own cost (not in tally's table):\n";
  out += reported.empty() ? "  none\n" : reported;
  out += "\ntally's price vs the agent's own figure, where both exist:\n";
  if (compared.empty()) {
    // "none (only Claude Code reports costs, in cost-state)": the registry's agents that do.
    std::string reporters;
    for (Agent agent : registered_agents()) {
      const AgentInfo& info = agent_info(agent);
      if (!info.caps.cost_report.empty()) {
        reporters += fmt::format("{}{} reports costs, in {}", reporters.empty() ? "" : "; ",
                                 info.label, info.caps.cost_report);
      }
    }
    out += reporters.empty() ? "  none (no agent reports costs)\n"
                             : fmt::format("  none (only {})\n", reporters);
  } else {
    out += fmt::format("  {:<40} {:>8} {:>12} {:>12} {:>10}\n", "model", "requests", "tally",
                       "agent", "diff");
    out += compared;
  }
  out += "\nFix a price or add an alias under [pricing] in " + ctx->config.config_path +
         "; history is repriced on the next run.\n";
  print(out);
  return 0;
}

}  // namespace

std::string imported_prices_path(const Config& config) {
  return config.data_dir + "/imported_prices.toml";
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
  return 2;
}

}  // namespace tally::cli
