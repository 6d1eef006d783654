// Claude Code transcripts, in the 2.1.330 shapes of tests/data/real-logs.
//
// A session is a sequence of turns: queue operations, the user prompt, a burst of
// `attachment` lines (prompt snapshots, skill listings: the bulk of the bytes), request
// bookkeeping (`api-request*`), then responses. Each response is written as one `assistant`
// line per content block, every copy repeating the full usage under the same message.id and
// requestId; tool calls get a `user` tool_result and a fresh prompt snapshot. A turn ends
// with `cost-state`, the session's cumulative per-model usage, which also covers sub-agents
// (their own files) and calls that never get an assistant line: the `/compact` summary and
// the title. The Ledger counts each response once plus each unlogged call, which is what an
// exact reader must report (agent-logs.md §2).

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>

#include "demo/claude_transcript.h"
#include "demo/schedule.h"
#include "demo/workspace.h"

namespace tally::corpus {
namespace {

// Rough bytes per turn, used only to spread a session's turns over time.
constexpr uint64_t kEstTurnBytes = 90'000;
// Rough bytes per response, attachments included, to keep small sessions small.
constexpr uint64_t kEstResponseBytes = 30'000;
// The same for the heavy profile's short lines.
constexpr uint64_t kHeavyTurnBytes = 30'000;
constexpr uint64_t kHeavyResponseBytes = 3'000;
// Median tokens a tool result adds to a Claude context (heavy profile).
constexpr double kHeavyResultTokens = 10'000;
constexpr uint64_t kHeavyResultMax = 60'000;

// The default model of the newest Claude Code versions, which no price list knows yet (as
// in tests/data/real-logs): its cost can come only from cost-state's costUSD.
constexpr std::string_view kUnpricedModel = "claude-opus-5-5";

std::string pick_model(Rng& rng, double unpriced_share) {
  // No extra draw at share 0, so corpora without --unpriced-share stay byte-identical.
  if (unpriced_share > 0 && rng.unit() < unpriced_share) {
    return std::string(kUnpricedModel);
  }
  const double u = rng.unit();
  if (u < 0.55) {
    return "claude-opus-4-8";
  }
  if (u < 0.90) {
    return "claude-sonnet-4-6";
  }
  return "claude-haiku-4-5";
}

// A heavy user runs Opus most of the time.
std::string pick_heavy_model(Rng& rng, double unpriced_share) {
  if (unpriced_share > 0 && rng.unit() < unpriced_share) {
    return std::string(kUnpricedModel);
  }
  const double u = rng.unit();
  if (u < 0.62) {
    return "claude-opus-4-8";
  }
  if (u < 0.92) {
    return "claude-sonnet-4-6";
  }
  return "claude-haiku-4-5";
}

// Claude Code's tools by how often a heavy user's sessions call them (per 100 calls).
std::string_view pick_heavy_tool(Rng& rng) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "Read", "Bash", "Edit", "Grep", "Glob", "Write", "TodoWrite", "WebFetch"};
  static constexpr std::array<uint64_t, 8> kWeights = {25, 25, 20, 10, 5, 5, 5, 5};
  uint64_t u = rng.range(0, 99);
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (u < kWeights[i]) {
      return kNames[i];
    }
    u -= kWeights[i];
  }
  return kNames[0];
}

std::string slug_of(std::string_view cwd) {
  std::string s(cwd);
  std::replace(s.begin(), s.end(), '/', '-');
  std::replace(s.begin(), s.end(), '.', '-');
  return s;
}

}  // namespace

namespace claude {

Resp Transcript::next_resp(uint64_t new_tokens, bool cold) {
  Resp r;
  r.input = rng_.range(1, 40);
  if (cold || ctx_ == 0) {
    // The cached prefix expired (or this is the first request): the whole prompt is written.
    r.cache_write = ctx_ + new_tokens;
  } else {
    r.cache_read = ctx_;
    r.cache_write = new_tokens;
  }
  r.output = rng_.lognormal(260, 1.1, 4, 16'000);
  if (rng_.chance(0.35)) {
    r.thinking = r.output * rng_.range(20, 80) / 100;
  }
  ctx_ = r.cache_read + r.cache_write + r.input + r.output;
  return r;
}

void Transcript::add_usage(const std::string& model, const Resp& r, bool unlogged) {
  const bool h1 = s_.ttl_1h && model == model_;
  ClaudeModelUsage& u = s_.usage[model];
  u.input += r.input;
  u.output += r.output;
  u.thinking += r.thinking;
  u.cache_read += r.cache_read;
  u.cache_write += r.cache_write;
  (h1 ? u.cache_write_1h : u.cache_write_5m) += r.cache_write;
  const Price p = price_for(model);
  // Fast mode bills Opus 4.8 at twice the price (pricing.md rule 4).
  const double speed = fast_ && model == model_ ? 2.0 : 1.0;
  u.cost += speed *
            (static_cast<double>(r.input) * p.input + static_cast<double>(r.output) * p.output +
             static_cast<double>(r.cache_read) * p.cache_read +
             static_cast<double>(r.cache_write) * (h1 ? p.cache_write_1h : p.cache_write_5m)) /
            1e6;
  const Tokens t{1,        r.input,   r.cache_read, r.cache_write, h1 ? r.cache_write : 0,
                 r.output, r.thinking};
  g_.ledger->add("claude", model, t);
  if (unlogged) {
    g_.ledger->trap("claude", "unlogged calls, only in cost-state", t);
  }
}

void Transcript::turn(Millis gap, uint64_t subagent_bytes, bool title, uint64_t bytes_left) {
  const bool heavy = g_.heavy();
  if (s_.turn > 0 || t_ > s_.start) {
    advance(static_cast<Millis>(
        rng_.lognormal(static_cast<double>(gap), 0.9, 5 * kSecond, 8 * 60 * kMinute)));
  }
  const Millis ttl = s_.ttl_1h ? 60 * kMinute : 5 * kMinute;
  const bool cold = last_resp_t_ == 0 || t_ - last_resp_t_ > ttl;
  // A sub-agent is spawned by a tool call, so that turn needs a second response. A short
  // session stops early rather than overshoot its planned size by a whole turn.
  const uint64_t min_resp = subagent_bytes > 0 ? 2 : 1;
  // A heavy user's turns run longer chains of tool calls.
  const uint64_t n_resp =
      heavy ? std::max(min_resp,
                       std::min(rng_.lognormal(6.0, 0.8, 1, 40), bytes_left / kHeavyResponseBytes))
            : std::max(min_resp,
                       std::min(rng_.lognormal(3.0, 0.7, 1, 14), bytes_left / kEstResponseBytes));
  const size_t expected_other = n_resp * (heavy ? 2'000 : 5'000);
  const size_t prompt_bytes =
      heavy ? rng_.lognormal(100, 0.8, 8, 2'000) : rng_.lognormal(260, 1.0, 8, 12'000);

  queue_op(true, "scrubbed " + hex_id(rng_, 8));
  queue_op(false, "");
  advance(static_cast<Millis>(rng_.range(20, 120)));
  const std::string prompt_uuid = user_prompt(prompt_bytes);
  if (fresh_context_) {
    initial_attachments(heavy ? 1'500 : attach_deficit(expected_other) / 2);
    fresh_context_ = false;
  }
  if (huge_lines_ && s_.turn > 3 && rng_.chance(0.004)) {
    // A big file read in one line: some real lines are megabytes long.
    attachment("file", rng_.range(1u << 20, 4u << 20));
  }
  attachment("prompt_snapshot", heavy ? 600 : attach_deficit(expected_other) / (n_resp + 1) + 300);
  file_history_snapshot(prompt_uuid);
  if (s_.turn == 0) {
    api_request_shape();
  }
  api_request_blob(prompt_bytes);
  api_request_blob(200);
  api_request();
  simple("\"type\":\"last-prompt\",\"lastPrompt\":\"scrubbed " + hex_id(rng_, 8) +
         "\",\"leafUuid\":\"" + parent_ + "\"");
  simple("\"type\":\"atis-latch\",\"atis\":\"\"");
  simple(fmt::format("\"type\":\"tools-used\",\"tools\":[\"{}\",\"{}\"]", kTools[rng_.range(0, 3)],
                     kTools[rng_.range(4, 7)]));

  uint64_t new_tokens = prompt_bytes / 4 + rng_.range(20, 400);
  if (heavy && ctx_ == 0) {
    // Claude Code's system prompt, tool definitions and memory files.
    new_tokens += rng_.range(18'000, 30'000);
  }
  bool spawn = subagent_bytes > 0;
  for (uint64_t i = 0; i < n_resp; ++i) {
    advance(static_cast<Millis>(rng_.lognormal(4000, 0.8, 400, 120'000)));
    if (rng_.chance(0.01)) {
      system_line(
          "\"subtype\":\"api_error\",\"level\":\"error\",\"error\":{\"status\":529},"
          "\"retryInMs\":615,\"retryAttempt\":1,\"maxRetries\":10,\"source\":\"request_retry\"");
      if (rng_.chance(0.2)) {
        synthetic_error();
      }
      advance(static_cast<Millis>(rng_.range(600, 3000)));
    }
    const bool final = i + 1 == n_resp || ctx_ > ctx_limit();
    const Resp r = next_resp(new_tokens, cold && i == 0);
    std::string tool_id;
    const std::string_view tool = spawn   ? "Agent"
                                  : heavy ? pick_heavy_tool(rng_)
                                          : kTools[rng_.range(0, kTools.size() - 1)];
    const std::string asst = respond(r, !final, tool, tool_id);
    if (final) {
      break;
    }
    size_t bulk = heavy ? heavy_result_bytes(rng_) : rng_.lognormal(1'400, 1.3, 30, 80'000);
    if (spawn) {
      const std::string agent_id = hex_id(rng_, 17);
      // Beside the main transcript: <project dir>/<session id>/subagents/.
      const std::string dir =
          s_.path.substr(0, s_.path.rfind(".jsonl")) + "/subagents/agent-" + agent_id;
      const std::string sub_model = rng_.chance(heavy ? 0.15 : 0.3) ? "claude-haiku-4-5" : model_;
      OutFile sub_out;
      if (sub_out.open(g_.root + "/" + dir + ".jsonl", false)) {
        Transcript sub(g_, s_, rng_, sub_out, sub_model, true, agent_id, t_, clamp_);
        sub.subagent_body(subagent_bytes);
        t_ = std::max(t_, sub.now());
        sub_out.close();
        OutFile meta;
        if (meta.open(g_.root + "/" + dir + ".meta.json", false)) {
          fmt::format_to(std::back_inserter(meta.buf()),
                         "{{\"agentType\":\"general-purpose\",\"isBuiltIn\":true,"
                         "\"description\":\"scrubbed {}\",\"toolUseId\":\"{}\",\"spawnDepth\":1,"
                         "\"model\":\"{}\",\"finished\":true}}\n",
                         hex_id(rng_, 8), tool_id, sub_model);
          meta.close();
        }
        // The parent sees the sub-agent's final context size; it is not spend (rule 6).
        new_tokens = 300;
        spawn = false;
        tool_result(tool_id, asst, 600);
      }
    } else {
      advance(static_cast<Millis>(rng_.lognormal(1500, 1.2, 50, 600'000)));
      tool_result(tool_id, asst, bulk);
      // The heavy profile logs a short excerpt of what the tool returned to the model.
      new_tokens = heavy ? heavy_result_tokens(rng_, kHeavyResultTokens, kHeavyResultMax)
                         : bulk * 2 / 7 + rng_.range(20, 200);
    }
    if (!heavy) {  // the heavy profile keeps one of each per turn
      attachment("prompt_snapshot",
                 attach_deficit(expected_other * (n_resp - i - 1) / n_resp) / (n_resp - i) + 300);
      api_request();
    }
  }
  system_line(
      fmt::format("\"subtype\":\"turn_duration\",\"durationMs\":{},\"messageCount\":{},"
                  "\"isMeta\":false",
                  rng_.range(2000, 400'000), n_resp * 2 + 1));
  s_.api_ms += n_resp * rng_.range(2000, 9000);
  s_.lines_added += rng_.range(0, 80);
  s_.lines_removed += rng_.range(0, 30);
  if (title) {
    simple("\"type\":\"ai-title\",\"aiTitle\":\"" +
           (task_.empty() ? g_.filler->phrase(30, rng_) : task_) + "\"");
    Resp t;
    t.input = rng_.range(300, 1200);
    t.output = rng_.range(6, 30);
    add_usage(std::string(kTitleModel), t, true);
  }
  if (rng_.chance(0.3)) {
    simple("\"type\":\"mode\",\"mode\":\"normal\"");
  }
  cost_state();
  ++s_.turn;
}

void Transcript::compaction() {
  advance(static_cast<Millis>(rng_.range(5, 90) * kSecond));
  queue_op(true, "/compact");
  queue_op(false, "");
  simple("\"type\":\"mode\",\"mode\":\"normal\"");
  const uint64_t pre = ctx_;
  Resp r;
  r.input = rng_.range(3, 40);
  r.cache_read = ctx_;
  r.cache_write = rng_.range(200, 3000);
  r.output = rng_.lognormal(1800, 0.5, 300, 8000);
  add_usage(model_, r, true);
  advance(static_cast<Millis>(rng_.range(15, 90) * kSecond));
  ctx_ = rng_.range(12'000, 30'000);
  if (g_.heavy()) {
    // The system prompt, and the files the work needs again, after the summary.
    ctx_ += rng_.range(60'000, 140'000);
  }
  parent_.clear();
  system_line(
      fmt::format("\"subtype\":\"compact_boundary\",\"content\":\"Conversation "
                  "compacted\",\"isMeta\":false,\"level\":\"info\",\"compactMetadata\":{{"
                  "\"trigger\":\"auto\",\"preTokens\":{},\"postTokens\":{}}}",
                  pre, ctx_));
  const std::string uuid = uuid4(rng_);
  begin();
  head();
  fmt::format_to(std::back_inserter(b()),
                 "\"promptId\":\"{}\",\"type\":\"user\",\"message\":{{\"role\":\"user\","
                 "\"content\":\"This session is being continued from a previous conversation "
                 "that ran out of context. ",
                 uuid4(rng_));
  filler(g_.heavy() ? 600 : r.output * 4);
  fmt::format_to(std::back_inserter(b()),
                 "\"}},\"isVisibleInTranscriptOnly\":true,\"isCompactSummary\":true,"
                 "\"uuid\":\"{}\"",
                 uuid);
  ts();
  tail();
  end(false);
  parent_ = uuid;
  simple("\"type\":\"last-prompt\",\"lastPrompt\":\"/compact\",\"leafUuid\":\"" + parent_ + "\"");
  fresh_context_ = true;
  // The summary call wrote a new cache prefix: the next request starts cold.
  last_resp_t_ = 0;
  cost_state();
}

void Transcript::subagent_body(uint64_t bytes) {
  const bool heavy = g_.heavy();
  ctx_ = heavy ? rng_.range(12'000, 24'000) : rng_.range(6'000, 16'000);
  user_prompt(heavy ? rng_.range(150, 600) : rng_.range(400, 3000));
  initial_attachments(heavy ? 1'500 : attach_deficit(20'000) / 2);
  attachment("prompt_snapshot", heavy ? 600 : attach_deficit(20'000) / 2 + 300);
  api_request_shape();
  api_request_blob(800);
  api_request();
  uint64_t new_tokens = rng_.range(300, 1500);
  bool first = true;
  while (true) {
    advance(static_cast<Millis>(rng_.lognormal(5000, 0.8, 400, 120'000)));
    const bool final = out_.written() >= bytes;
    const Resp r = next_resp(new_tokens, first);
    first = false;
    std::string tool_id;
    const std::string asst =
        respond(r, !final, heavy ? pick_heavy_tool(rng_) : kTools[rng_.range(0, 5)], tool_id);
    if (final) {
      break;
    }
    advance(static_cast<Millis>(rng_.lognormal(1200, 1.2, 50, 300'000)));
    const size_t bulk = heavy ? heavy_result_bytes(rng_) : rng_.lognormal(1'400, 1.3, 30, 60'000);
    tool_result(tool_id, asst, bulk);
    new_tokens = heavy ? heavy_result_tokens(rng_, kHeavyResultTokens, kHeavyResultMax)
                       : bulk * 2 / 7 + rng_.range(20, 200);
    if (ctx_ > (big_window_ ? 400'000 : 150'000)) {
      // Context management cleared old tool results; the next request writes a new prefix.
      ctx_ = big_window_ ? rng_.range(60'000, 120'000) : rng_.range(20'000, 40'000);
      first = true;
    }
    if (!heavy) {  // the heavy profile keeps one of each per turn
      attachment("prompt_snapshot", attach_deficit(8'000) + 200);
      api_request();
    }
  }
}

}  // namespace claude

using claude::kMinute;
using claude::kSecond;
using claude::Transcript;

SessionClock plan_clock(const GenContext& g, uint64_t est_turns, Rng& rng) {
  SessionClock c;
  const auto turns = static_cast<Millis>(est_turns);
  c.turn_gap = 4 * kMinute;
  // Gaps are log-normal around `turn_gap` and responses take time too: reserve twice the
  // median so that a session rarely reaches `end` and gets clamped there.
  if (2 * turns * c.turn_gap > g.span * 8 / 10) {
    c.turn_gap = std::max<Millis>(10 * kSecond, g.span * 8 / 10 / (2 * turns));
  }
  const Millis duration = 2 * turns * c.turn_gap;
  const Millis slack = g.span - duration - 30 * kMinute;
  c.start = g.end - g.span +
            static_cast<Millis>(rng.range(0, static_cast<uint64_t>(std::max<Millis>(slack, 1))));
  return c;
}

SessionClock slot_clock(const GenContext& g, Millis start, uint64_t est_turns) {
  SessionClock c;
  // A heavy user answers quickly: most turns find the prompt cache still warm.
  c.turn_gap = 2 * kMinute;
  const Millis duration = 2 * static_cast<Millis>(est_turns) * c.turn_gap;
  c.start = std::max(g.end - g.span, std::min(start, g.end - duration - 30 * kMinute));
  return c;
}

ClaudeSessionState write_claude_session(const GenContext& g, const ClaudePlan& plan, Rng& rng) {
  static constexpr std::array<std::string_view, 6> kBranches = {
      "main", "main", "develop", "feature/ingest", "fix/parser", "HEAD"};
  static constexpr std::array<std::string_view, 3> kEfforts = {"medium", "high", "low"};
  ClaudeSessionState s;
  s.session_id = uuid4(rng);
  uint64_t total = plan.main_bytes;
  for (const uint64_t b : plan.subagent_bytes) {
    total += b;
  }
  SessionClock clock;
  if (g.heavy()) {
    s.cwd = plan.project->cwd_json;
    s.model = pick_heavy_model(rng, g.unpriced_share);
    s.effort = std::string(kEfforts[rng.range(0, 2)]);
    s.branch = plan.project->branch;
    s.ttl_1h = rng.chance(0.25);
    s.path = ".claude/projects/" + slug_of(plan.project->cwd) + "/" + s.session_id + ".jsonl";
    clock = slot_clock(g, plan.start, total / kHeavyTurnBytes + 1);
    // On a fast-mode day most sessions turn it on (`/fast`); it applies to Opus only.
    s.fast = g.month->fast(clock.start) && rng.chance(0.6);
    if (rng.chance(0.3)) {
      // `claude --continue`: the session starts from an earlier conversation's context.
      s.ctx = rng.range(150'000, 450'000);
    }
  } else {
    s.cwd = fmt::format("/home/dev/src/project-{:02}", rng.range(1, 40));
    if (rng.chance(0.2)) {
      s.cwd += "/.worktrees/wt" + std::to_string(rng.range(1, 5));
    }
    s.model = pick_model(rng, g.unpriced_share);
    s.effort = std::string(kEfforts[rng.range(0, 2)]);
    s.branch = std::string(kBranches[rng.range(0, kBranches.size() - 1)]);
    s.ttl_1h = rng.chance(0.2);
    s.path = ".claude/projects/" + slug_of(s.cwd) + "/" + s.session_id + ".jsonl";
    clock = plan_clock(g, total / kEstTurnBytes + 1, rng);
  }
  s.start = clock.start;
  s.last_ts = 0;

  OutFile out;
  if (!out.open(g.root + "/" + s.path, false)) {
    return s;
  }
  Transcript tr(g, s, rng, out, s.model, false, "", clock.start, true);
  if (plan.main_bytes >= (16u << 20)) {
    tr.allow_huge_lines();
  }
  const bool title = rng.chance(g.heavy() ? 0.85 : 0.4);
  if (g.heavy()) {
    tr.set_task(task_prompt(*plan.project, rng));
  }
  size_t next_sub = 0;
  // Auto-compaction near the model's window: 200k tokens, or 1M for the heavy user's Opus
  // and Sonnet.
  const bool big_window = g.heavy() && s.model.find("haiku") == std::string::npos;
  const uint64_t compact_at =
      big_window ? rng.range(600'000, 820'000) : rng.range(140'000, 175'000);
  do {
    const uint64_t sub =
        next_sub < plan.subagent_bytes.size() ? plan.subagent_bytes[next_sub++] : 0;
    const uint64_t written = out.written();
    tr.turn(clock.turn_gap, sub, title && s.turn == 0,
            plan.main_bytes > written ? plan.main_bytes - written : 0);
    if (tr.ctx() > compact_at) {
      tr.compaction();
    }
  } while (out.written() < plan.main_bytes || next_sub < plan.subagent_bytes.size());
  out.close();
  s.last_uuid = tr.parent();
  s.last_ts = tr.now();
  s.ctx = tr.ctx();
  return s;
}

uint64_t append_claude_turns(const GenContext& g, ClaudeSessionState& s, int turns, Rng& rng) {
  OutFile out;
  if (!out.open(g.root + "/" + s.path, true)) {
    return 0;
  }
  // A resumed session: the user comes back within the last hour before `end`.
  const Millis resume =
      std::max(s.last_ts + kMinute, g.end - static_cast<Millis>(rng.range(1, 55)) * kMinute);
  Transcript tr(g, s, rng, out, s.model, false, "", resume, false);
  for (int i = 0; i < turns; ++i) {
    tr.turn(2 * kMinute, 0, false, kEstTurnBytes);
  }
  out.close();
  s.last_uuid = tr.parent();
  s.last_ts = tr.now();
  s.ctx = tr.ctx();
  return out.written();
}

}  // namespace tally::corpus
