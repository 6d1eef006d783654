#include "render/status_renderer.h"

#include <fmt/format.h>

#include <cmath>
#include <string_view>
#include <vector>

#include "render/json_writer.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::render {

using analytics::StatusFacts;

namespace {

// The share of the context window in use, in whole percent; nullopt without both figures.
std::optional<int> context_percent(const StatusFacts& f) {
  if (!f.context_tokens || !f.context_window || *f.context_window <= 0) {
    return std::nullopt;
  }
  return static_cast<int>(std::lround(100.0 * static_cast<double>(*f.context_tokens) /
                                      static_cast<double>(*f.context_window)));
}

}  // namespace

std::string format_status(const StatusFacts& f, bool color) {
  const auto paint = [color](std::string_view code, const std::string& text) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
  };
  std::vector<std::string> parts;
  if (!f.model.empty()) {
    // display_name comes from the hook JSON and the model id from the logs: escaped, so
    // neither can retitle or clear the terminal that shows the line.
    parts.push_back(paint("1", terminal_safe(f.model)));
  }
  if (f.session_found) {
    parts.push_back(
        fmt::format("{}{} session", short_money(f.session_cost), f.session_unpriced ? "+?" : ""));
  }
  parts.push_back(
      fmt::format("{}{} today", short_money(f.today_cost), f.today_unpriced ? "+?" : ""));
  if (f.burn_per_hour) {
    parts.push_back(fmt::format("{}/h", short_money(*f.burn_per_hour)));
  }
  if (f.context_tokens) {
    if (const auto pct = context_percent(f)) {
      const std::string_view code = *pct >= 80 ? "31" : *pct >= 50 ? "33" : "32";
      parts.push_back(fmt::format("ctx {} ({}/{})", paint(code, fmt::format("{}%", *pct)),
                                  short_tokens(*f.context_tokens),
                                  short_tokens(*f.context_window)));
    } else {
      parts.push_back(fmt::format("ctx {}", short_tokens(*f.context_tokens)));
    }
  }
  std::string line;
  for (const std::string& p : parts) {
    if (!line.empty()) {
      line += color ? " \033[2m·\033[0m " : " · ";
    }
    line += p;
  }
  return line;
}

std::string status_json(const StatusFacts& f) {
  std::string out;
  JsonWriter w(out, JsonLayout::line);
  const auto fixed = [&w](std::string_view name, std::optional<double> v) {
    w.member(name);
    w.raw(v ? fmt::format("{:.6f}", *v) : std::string("null"));
  };
  const auto count = [&w](std::string_view name, std::optional<std::int64_t> v) {
    w.member(name);
    v ? w.integer(*v) : w.null();
  };
  w.open('{');
  w.member("model");
  w.string(f.model);
  fixed("session_cost_usd", f.session_found ? std::optional<double>(f.session_cost) : std::nullopt);
  w.member("session_unpriced");
  w.boolean(f.session_unpriced);
  fixed("today_cost_usd", f.today_cost);
  w.member("today_unpriced");
  w.boolean(f.today_unpriced);
  fixed("burn_usd_per_hour", f.burn_per_hour);
  count("context_tokens", f.context_tokens);
  count("context_window", f.context_window);
  const std::optional<int> percent = context_percent(f);
  count("context_percent", percent ? std::optional<std::int64_t>(*percent) : std::nullopt);
  w.close('}');
  out += "\n";
  return out;
}

}  // namespace tally::render
