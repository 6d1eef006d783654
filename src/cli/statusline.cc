#include "cli/statusline.h"

#include <fmt/format.h>
#include <poll.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>

#include "core/agent.h"
#include "render/json_renderer.h"
#include "render/utf8.h"

namespace tally::cli {
namespace {

std::string dom_string(simdjson::dom::element parent, std::string_view key) {
  std::string_view v;
  if (parent[key].get_string().get(v) != simdjson::SUCCESS) {
    return "";
  }
  return std::string(v);
}

template <typename T>
std::string json_opt(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : "null";
}

std::optional<int> context_percent(const StatusFacts& f) {
  if (!f.context_tokens || !f.context_window || *f.context_window <= 0) {
    return std::nullopt;
  }
  return static_cast<int>(std::lround(100.0 * static_cast<double>(*f.context_tokens) /
                                      static_cast<double>(*f.context_window)));
}

}  // namespace

std::string short_money(double usd) {
  if (std::fabs(usd) >= 1000) {
    return fmt::format("${:.0f}", usd);
  }
  return fmt::format("${:.2f}", usd);
}

// 122k, 1M, 1.2M: short enough for a status line, exact enough to judge the context.
std::string short_tokens(std::int64_t n) {
  if (n >= 1'000'000) {
    const double m = static_cast<double>(n) / 1e6;
    return std::fabs(m - std::round(m)) < 0.05 ? fmt::format("{:.0f}M", m)
                                               : fmt::format("{:.1f}M", m);
  }
  if (n >= 1000) {
    return fmt::format("{}k", (n + 500) / 1000);
  }
  return fmt::format("{}", n);
}

Result<HookInput> parse_hook(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(json);
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return fail(Errc::parse, "statusline input is not a JSON object");
  }
  HookInput in;
  in.session_id = dom_string(root, "session_id");
  in.transcript_path = dom_string(root, "transcript_path");
  in.cwd = dom_string(root, "cwd");
  simdjson::dom::element model;
  if (root["model"].get(model) == simdjson::SUCCESS) {
    if (model.is_object()) {
      in.model_id = dom_string(model, "id");
      in.model_name = dom_string(model, "display_name");
    } else if (model.is_string()) {
      in.model_id = std::string(model.get_string().value_unsafe());
    }
  }
  double cost = 0;
  if (root["cost"]["total_cost_usd"].get_double().get(cost) == simdjson::SUCCESS &&
      std::isfinite(cost)) {
    in.agent_cost_usd = cost;
  }
  std::int64_t window = 0;
  if (root["context_window"]["context_window_size"].get_int64().get(window) == simdjson::SUCCESS &&
      window > 0) {
    in.context_window_size = window;
  }
  return in;
}

Result<std::string> read_input(int fd, std::size_t cap, int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string out;
  char buf[16384];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return fail(Errc::io, "timed out reading the statusline input");
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(Errc::io, "cannot read the statusline input");
    }
    if (ready == 0) {
      continue;  // the deadline check above ends the wait
    }
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return fail(Errc::io, "cannot read the statusline input");
    }
    if (n == 0) {
      return out;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > cap) {
      return fail(Errc::io, fmt::format("statusline input over {} bytes", cap));
    }
  }
}

std::optional<std::int64_t> context_window_for(std::string_view model_id) {
  constexpr std::int64_t k200k = 200'000;
  constexpr std::int64_t k1m = 1'000'000;
  if (model_id.ends_with("[1m]")) {
    return k1m;
  }
  // Claude 4.6 and later have 1M context at the standard price; earlier ones 200k.
  for (std::string_view m : {"claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-8",
                             "claude-sonnet-4-6", "claude-sonnet-5", "claude-opus-5"}) {
    if (model_id.starts_with(m)) {
      return k1m;
    }
  }
  for (std::string_view m : {"claude-opus-4", "claude-sonnet-4", "claude-haiku-4", "claude-3"}) {
    if (model_id.starts_with(m)) {
      return k200k;
    }
  }
  return std::nullopt;
}

Result<std::optional<analytics::Block>> current_block(store::Ledger& ledger, TimeMs now) {
  // Which 15-minute buckets hold records, from the ledger's rollup (cheap at any size).
  store::GroupBy by_bucket;
  by_bucket.time_bucket = true;
  auto rows = ledger.aggregate(store::RecordFilter{}, by_bucket);
  TALLY_TRY(rows);
  std::vector<TimeMs> buckets;
  buckets.reserve(rows->size());
  for (const store::AggregateRow& r : *rows) {
    buckets.push_back(r.bucket);
  }
  std::sort(buckets.begin(), buckets.end());
  // Walk the chain of blocks (analytics/blocks.h). A block ends on the hour, which is a
  // bucket boundary, so "the first record at or after the end" lies in the first non-empty
  // bucket at or after it, and that record's hour is the bucket's hour: the chain of block
  // starts is exact from buckets alone.
  constexpr TimeMs kHourMs = 60 * 60 * 1000;
  TimeMs start = 0;
  TimeMs end = 0;
  bool any = false;
  for (const TimeMs b : buckets) {
    if (!any || b >= end) {
      start = b - ((b % kHourMs) + kHourMs) % kHourMs;
      end = start + analytics::kBlockMs;
      any = true;
    }
  }
  if (!any || now < start || now >= end) {
    return std::optional<analytics::Block>();
  }
  // The records of the last block, cut and measured by the one block computation.
  store::RecordFilter filter;
  filter.since = start;
  auto events = ledger.events(filter);
  TALLY_TRY(events);
  const std::vector<analytics::Block> blocks = analytics::build_blocks(*events, now);
  const analytics::Block* active = analytics::active_block(blocks);
  return active ? std::optional<analytics::Block>(*active) : std::nullopt;
}

Result<StatusFacts> gather_status(store::Ledger& ledger, const Zone& zone, const HookInput& hook,
                                  TimeMs now) {
  StatusFacts f;
  f.model = !hook.model_name.empty() ? hook.model_name : hook.model_id;
  std::string model_id = hook.model_id;
  // The hook's agent: the one whose statusline hook tally serves (core/agent.h).
  const std::optional<Agent> hook_agent = agent_with(&AgentCapabilities::statusline_hook);
  if (!hook.session_id.empty() && hook_agent) {
    // The hook is Claude Code's, and its session is a main session (its own records have
    // it as their root): this session and its sub-agents, by the (agent, root_session)
    // index, not by scanning every record for an id prefix.
    store::RecordFilter filter;
    filter.agent = hook_agent;
    filter.root_session = hook.session_id;
    auto events = ledger.events(filter);
    TALLY_TRY(events);
    TimeMs last_main = -1;
    for (const store::UsageEvent& e : *events) {
      f.session_found = true;
      f.session_cost += e.cost_usd;
      f.session_unpriced = f.session_unpriced || e.cost_source == CostSource::unpriced;
      if (e.session_id == hook.session_id && e.kind == RecordKind::response && e.ts >= last_main) {
        last_main = e.ts;
        f.context_tokens = e.tokens.prompt();
        if (hook.model_id.empty()) {
          model_id = e.model;
        }
      }
    }
  }
  if (f.model.empty()) {
    f.model = model_id;
  }
  if (f.context_tokens) {
    f.context_window =
        hook.context_window_size ? hook.context_window_size : context_window_for(model_id);
  }

  store::RecordFilter today;
  today.since = zone.start_of(zone.local_date(now));
  auto rows = ledger.aggregate(today, store::GroupBy{});
  TALLY_TRY(rows);
  for (const store::AggregateRow& r : *rows) {
    f.today_cost += r.cost_usd;
    f.today_unpriced = f.today_unpriced || r.cost_source == CostSource::unpriced;
  }

  auto block = current_block(ledger, now);
  TALLY_TRY(block);
  if (*block) {
    f.burn_per_hour = (*block)->cost_per_hour;
  }
  return f;
}

std::string format_status(const StatusFacts& f, bool color) {
  const auto paint = [color](std::string_view code, const std::string& text) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
  };
  std::vector<std::string> parts;
  if (!f.model.empty()) {
    // display_name comes from the hook JSON and the model id from the logs: escaped, so
    // neither can retitle or clear the terminal that shows the line.
    parts.push_back(paint("1", render::terminal_safe(f.model)));
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
  return fmt::format(
      "{{\"model\": {}, \"session_cost_usd\": {}, \"session_unpriced\": {}, "
      "\"today_cost_usd\": {:.6f}, \"today_unpriced\": {}, \"burn_usd_per_hour\": {}, "
      "\"context_tokens\": {}, \"context_window\": {}, \"context_percent\": {}}}\n",
      render::json_string(f.model),
      f.session_found ? fmt::format("{:.6f}", f.session_cost) : std::string("null"),
      f.session_unpriced, f.today_cost, f.today_unpriced,
      f.burn_per_hour ? fmt::format("{:.6f}", *f.burn_per_hour) : std::string("null"),
      json_opt(f.context_tokens), json_opt(f.context_window), json_opt(context_percent(f)));
}

}  // namespace tally::cli
