#include "render/prices_renderer.h"

#include <fmt/format.h>

#include <cmath>

#include "core/agent.h"
#include "render/json_writer.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

// $ per million tokens, as the price pages print them.
std::string per_mtok(double per_token_mtok) { return format_decimal(per_token_mtok); }

void write_row(JsonWriter& w, const pricing::PriceRow& r) {
  w.open('{', JsonLayout::line);
  w.member("key");
  w.string(r.key);
  w.member("provider");
  w.string(r.provider);
  w.member("since");
  w.string(format_date(r.since));
  for (const auto& [name, value] : {std::pair<std::string_view, double>{"input", r.standard.input},
                                    {"output", r.standard.output},
                                    {"cache_read", r.standard.cache_read},
                                    {"cache_write_5m", r.standard.cache_write_5m},
                                    {"cache_write_1h", r.standard.cache_write_1h}}) {
    w.member(name);
    w.raw(per_mtok(value));
  }
  w.member("long_context_threshold");
  w.integer(r.long_context_threshold);
  for (const auto& [name, value] :
       {std::pair<std::string_view, double>{"fast_multiplier", r.fast_multiplier},
        {"priority_multiplier", r.priority_multiplier},
        {"us_multiplier", r.us_multiplier}}) {
    w.member(name);
    w.raw(format_decimal(value));
  }
  w.close('}');
}

// Keys and providers may come from an imported community price list: escaped.
std::string rows_table(const std::vector<pricing::PriceRow>& rows) {
  std::string out = fmt::format("{:<34} {:<10} {:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>5}\n",
                                "Model", "Provider", "Since", "Input", "Output", "Cache rd",
                                "Write 5m", "Write 1h", "Long ctx", "Fast");
  for (const pricing::PriceRow& r : rows) {
    out += fmt::format(
        "{:<34} {:<10} {:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>5}\n", terminal_safe(r.key),
        terminal_safe(r.provider), format_date(r.since), per_mtok(r.standard.input),
        per_mtok(r.standard.output), per_mtok(r.standard.cache_read),
        per_mtok(r.standard.cache_write_5m), per_mtok(r.standard.cache_write_1h),
        r.long_context_threshold > 0 ? fmt::format(">{}k", r.long_context_threshold / 1000) : "-",
        r.fast_multiplier != 1 ? fmt::format("{}x", format_decimal(r.fast_multiplier)) : "-");
  }
  out += "Prices in $ per million tokens.\n";
  return out;
}

}  // namespace

std::string render_price_list(const std::vector<pricing::PriceRow>& rows,
                              const pricing::Aliases& aliases, std::size_t model_count,
                              const std::string& config_path, bool json) {
  std::string out;
  if (json) {
    // One line, but a row per line in "models": the table is long.
    JsonWriter w(out, JsonLayout::line);
    w.open('{');
    w.member("models");
    w.open('[', JsonLayout::pretty);
    for (const pricing::PriceRow& r : rows) {
      w.element();
      write_row(w, r);
    }
    w.close(']');
    w.member("aliases");
    w.open('{');
    for (const auto& [from, to] : aliases) {
      w.member(from);
      w.string(to);
    }
    w.close('}');
    w.close('}');
    out += "\n";
    return out;
  }
  out = rows_table(rows);
  for (const auto& [from, to] : aliases) {
    out += fmt::format("alias: {} = {}\n", terminal_safe(from), terminal_safe(to));
  }
  out += fmt::format("{} models, {} rows. Layers: built-in < imported < [pricing] in {}\n",
                     model_count, rows.size(), config_path);
  return out;
}

std::string render_price_show(const std::string& model, const pricing::PriceRow& row,
                              std::string_view matched_by, const std::string& alias_target,
                              const std::vector<pricing::PriceRow>& history, bool json) {
  std::string out;
  if (json) {
    JsonWriter w(out, JsonLayout::line);
    w.open('{');
    w.member("model");
    w.string(model);
    w.member("matched_by");
    w.string(matched_by);
    w.member("row");
    write_row(w, row);
    w.close('}');
    out += "\n";
    return out;
  }
  out = fmt::format("{} is priced as {} (matched by: {}{})\n", terminal_safe(model),
                    terminal_safe(row.key), matched_by,
                    alias_target.empty() ? "" : ", alias of " + terminal_safe(alias_target));
  out += rows_table(history);
  if (row.long_context_threshold > 0) {
    out += fmt::format("Above {} prompt tokens the whole request costs input {} / output {}.\n",
                       row.long_context_threshold, per_mtok(row.long_context.input),
                       per_mtok(row.long_context.output));
  }
  if (row.priority) {
    out += fmt::format("Priority: input {} / output {}.\n", per_mtok(row.priority->input),
                       per_mtok(row.priority->output));
  } else if (row.priority_multiplier != 1) {
    out += fmt::format("Priority: x{}.\n", format_decimal(row.priority_multiplier));
  }
  if (row.us_multiplier != 1) {
    out += fmt::format("US-only inference: x{}.\n", format_decimal(row.us_multiplier));
  }
  return out;
}

std::string render_price_check(const std::vector<store::PriceCheckRow>& rows,
                               const std::string& config_path) {
  std::string out;
  std::string unpriced;
  std::string compared;
  std::string reported;
  for (const store::PriceCheckRow& r : rows) {
    // Model names come from the logs: escaped for the terminal.
    const std::string name =
        fmt::format("{} ({})", r.model.empty() ? "(unknown model)" : terminal_safe(r.model),
                    agent_name(r.agent));
    if (r.unpriced_requests > 0) {
      unpriced += fmt::format("  {:<40} {:>8} request{}\n", name, r.unpriced_requests,
                              r.unpriced_requests == 1 ? "" : "s");
    }
    if (r.both_requests > 0) {
      const double diff = r.computed_usd - r.reported_usd;
      const double pct = r.reported_usd != 0 ? 100.0 * diff / r.reported_usd : 0.0;
      compared += fmt::format("  {:<40} {:>8} {:>12} {:>12} {:>+9.2f}%{}\n", name, r.both_requests,
                              format_usd(r.computed_usd), format_usd(r.reported_usd), pct,
                              std::fabs(pct) >= 1.0 ? "  <- check this price" : "");
    }
    if (r.reported_requests > 0) {
      reported += fmt::format("  {:<40} {:>8} requests {:>12}\n", name, r.reported_requests,
                              format_usd(r.reported_only_usd));
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
  out += "\nFix a price or add an alias under [pricing] in " + config_path +
         "; history is repriced on the next run.\n";
  return out;
}

}  // namespace tally::render
