#include "render/watch_renderer.h"

#include <fmt/format.h>

#include <iterator>
#include <string_view>

#include "render/json_writer.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

using analytics::Block;
using analytics::InFlight;
using analytics::RecentSession;
using analytics::WatchPanel;

constexpr TimeMs kMinuteMs = 60 * 1000;

// `t` on the local clock of `zone`: "14:07".
std::string local_hm(const Zone& zone, TimeMs t) {
  const TimeMs local = t + zone.utc_offset(t) * 1000;
  const TimeMs minutes = ((local / kMinuteMs) % (24 * 60) + 24 * 60) % (24 * 60);
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

// The last part of a project path, escaped for the terminal (it comes from the logs).
std::string short_project(const std::string& project) {
  const std::size_t slash = project.find_last_of('/');
  return terminal_safe(slash == std::string::npos ? project : project.substr(slash + 1));
}

// The first 8 bytes of a session id (from the logs; ids are ASCII in practice), escaped for
// the terminal. A multi-byte character cut in two shows as U+FFFD.
std::string short_session(const std::string& session) {
  return terminal_safe(std::string_view(session).substr(0, 8));
}

}  // namespace

std::string panel_text(const WatchPanel& p, const Zone& zone, bool demo, bool color) {
  const auto bold = [color](const std::string& s) {
    return color ? fmt::format("\033[1m{}\033[0m", s) : s;
  };
  std::string out;
  auto it = std::back_inserter(out);
  if (demo) {
    fmt::format_to(it, "DEMO DATA (synthetic, from `tally demo`), not your usage\n");
  }
  fmt::format_to(it, "{}  as of {} {} · updates when the logs change · Ctrl-C quits\n\n",
                 bold("tally watch"), format_date(zone.local_date(p.now)), local_hm(zone, p.now));
  fmt::format_to(it, "{:<11}{}{} · {} tokens · {} requests\n", "Today", short_money(p.today_cost),
                 p.today_unpriced ? "+? (unpriced models)" : "", short_tokens(p.today_tokens),
                 p.today_requests);
  if (p.block) {
    const Block& b = *p.block;
    // Two lines, each well inside 80 columns.
    fmt::format_to(it, "{:<11}{}–{} · {} so far · {} tokens\n", "Block", local_hm(zone, b.start),
                   local_hm(zone, b.end), short_money(b.cost_usd), short_tokens(b.tokens.total()));
    if (b.too_early) {
      fmt::format_to(it, "{:<11}too early: under {} min of records in this block\n", "Burn",
                     analytics::kMinRateSpanMs / 60000);
    } else if (b.cost_per_hour && b.tokens_per_minute) {
      fmt::format_to(it, "{:<11}{}/h · {} tokens/min", "Burn", short_money(*b.cost_per_hour),
                     short_tokens(static_cast<std::int64_t>(*b.tokens_per_minute)));
      if (b.projected_cost_usd) {
        fmt::format_to(it, " · projected {}{} by {}",
                       b.projected_cost_low_usd
                           ? short_money(*b.projected_cost_low_usd) + "–"
                           : std::string(),
                       short_money(*b.projected_cost_usd), local_hm(zone, b.end));
      }
      out += "\n";
    }
  } else {
    fmt::format_to(it, "{:<11}none active (no usage in the last 5 hours)\n", "Block");
  }
  fmt::format_to(it, "{:<11}{} session{} with a record in the last 15 min\n", "In flight",
                 p.in_flight.size(), p.in_flight.size() == 1 ? "" : "s");
  for (const InFlight& f : p.in_flight) {
    fmt::format_to(it, "  {:<8}  {:<7} {:<28} last {}\n", short_session(f.session),
                   agent_name(f.agent), short_project(f.project), local_hm(zone, f.last));
  }
  fmt::format_to(it, "\nRecent sessions (last 7 days)\n");
  if (p.recent.empty()) {
    out += "  none\n";
  }
  for (const RecentSession& s : p.recent) {
    fmt::format_to(it, "  {:<8}  {:<28} {:>9}  {:>7} tokens  last {} {}\n",
                   short_session(s.session), short_project(s.project), short_money(s.cost_usd),
                   short_tokens(s.tokens), format_date(zone.local_date(s.last)),
                   local_hm(zone, s.last));
  }
  return out;
}

std::string panel_json(const WatchPanel& p, bool demo) {
  std::string out;
  JsonWriter w(out, JsonLayout::line);
  const auto fixed = [&w](std::string_view name, std::optional<double> v) {
    w.member(name);
    w.raw(v ? fmt::format("{:.6f}", *v) : std::string("null"));
  };
  const auto time = [&w](std::string_view name, TimeMs t) {
    w.member(name);
    w.string(format_iso8601(t));
  };
  w.open('{');
  time("now", p.now);
  w.member("demo");
  w.boolean(demo);
  w.member("today");
  w.open('{');
  fixed("cost_usd", p.today_cost);
  w.member("tokens");
  w.integer(p.today_tokens);
  w.member("requests");
  w.integer(p.today_requests);
  w.member("unpriced");
  w.boolean(p.today_unpriced);
  w.close('}');
  w.member("block");
  if (p.block) {
    const Block& b = *p.block;
    w.open('{');
    time("start", b.start);
    time("end", b.end);
    fixed("cost_usd", b.cost_usd);
    w.member("tokens");
    w.integer(b.tokens.total());
    fixed("cost_per_hour", b.cost_per_hour);
    fixed("tokens_per_minute", b.tokens_per_minute);
    fixed("projected_cost_usd", b.projected_cost_usd);
    fixed("projected_tokens", b.projected_tokens);
    fixed("projected_cost_low_usd", b.projected_cost_low_usd);
    fixed("projected_tokens_low", b.projected_tokens_low);
    w.member("too_early");
    w.boolean(b.too_early);
    w.close('}');
  } else {
    w.null();
  }
  w.member("in_flight");
  w.open('[');
  for (const InFlight& f : p.in_flight) {
    w.element();
    w.open('{');
    w.member("session");
    w.string(f.session);
    w.member("agent");
    w.string(agent_name(f.agent));
    w.member("project");
    w.string(f.project);
    time("last", f.last);
    w.close('}');
  }
  w.close(']');
  w.member("recent");
  w.open('[');
  for (const RecentSession& s : p.recent) {
    w.element();
    w.open('{');
    w.member("session");
    w.string(s.session);
    w.member("project");
    w.string(s.project);
    fixed("cost_usd", s.cost_usd);
    w.member("tokens");
    w.integer(s.tokens);
    time("last", s.last);
    w.close('}');
  }
  w.close(']');
  w.close('}');
  out += "\n";
  return out;
}

}  // namespace tally::render
