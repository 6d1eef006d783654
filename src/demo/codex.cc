// Codex CLI rollouts, in the 0.169.0 shapes of tests/data/real-logs.
//
// A rollout is `session_meta`, then turns: `task_started`, `turn_context` (the only place
// the model appears), the user message, and responses. Every response has exactly one
// `token_usage_record` (its own usage plus turn and thread totals) and an `event_msg`
// `token_count` carrying the thread total and the response's `last_token_usage`. The bulk
// is reasoning blobs, tool output (written twice: the item event and the function output)
// and the first turn's instructions. Two things make token_count unreliable, both from
// agent-logs.md §3: a resumed turn and a compaction write the same token_count again (same
// total, stale last usage), and a sub-agent's rollout is its own file whose usage is not in
// the parent's totals. The Ledger counts each token_usage_record once.

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string_view>

#include "demo/schedule.h"
#include "demo/workspace.h"
#include "demo/writers.h"

namespace tally::corpus {
namespace {

constexpr std::string_view kCliVersion = "0.169.0";
constexpr Millis kSecond = 1000;
constexpr Millis kMinute = 60 * kSecond;
constexpr uint64_t kEstTurnBytes = 60'000;
constexpr uint64_t kEstResponseBytes = 12'000;
// The same for the heavy profile's short lines.
constexpr uint64_t kHeavyTurnBytes = 20'000;
constexpr uint64_t kHeavyResponseBytes = 3'000;
// Median tokens a tool result adds to a Codex context (heavy profile).
constexpr double kHeavyResultTokens = 4'000;
constexpr uint64_t kHeavyResultMax = 40'000;

Tokens normalise(const CodexUsage& u) {
  return Tokens{1, u.input - u.cached, u.cached, 0, 0, u.output, u.reasoning};
}

class Rollout {
 public:
  Rollout(const GenContext& g, CodexThreadState& s, Rng& rng, OutFile& out, Millis t, bool clamp)
      : g_(g), s_(s), rng_(rng), out_(out), t_(t), clamp_(clamp) {
    if (g_.heavy()) {
      project_ = g_.workspace->find(s_.cwd);
    }
  }

  Millis now() const { return t_; }
  // Heavy profile: turns at the priority tier (a fast-mode day), and the user's task.
  void set_priority(bool priority) { priority_ = priority; }
  void set_task(std::string task) { task_ = std::move(task); }
  void session_meta(const CodexPlan& plan);
  // One turn; `resumed` repeats the previous token_count first, as `exec resume` does.
  void turn(bool first, bool resumed, Millis gap, uint64_t bytes_left);

 private:
  std::string& b() { return out_.buf(); }
  void advance(Millis d) {
    t_ += d;
    if (clamp_ && t_ > g_.end - kSecond) {
      t_ = g_.end - kSecond;
    }
  }
  // `{"timestamp":...,"ordinal":N,"type":"<type>","payload":{`
  void open(std::string_view type) {
    b().append("{\"timestamp\":\"");
    append_iso_ms(b(), t_);
    fmt::format_to(std::back_inserter(b()), "\",\"ordinal\":{},\"type\":\"{}\",\"payload\":{{",
                   s_.ordinal++, type);
  }
  void close() {
    b().append("}}\n");
    out_.maybe_flush();
  }
  // response_item lines carry `metadata` beside the payload.
  void close_item() {
    fmt::format_to(std::back_inserter(b()),
                   "}},\"metadata\":{{\"history_sequence\":{},\"client_authored\":false}}}}\n",
                   s_.ordinal);
    out_.maybe_flush();
  }
  void filler(size_t n) { g_.filler->append(b(), n, rng_); }
  // Filler for text the heavy profile keeps short.
  size_t short_text(size_t n) const { return g_.heavy() ? std::min<size_t>(n, 200) : n; }
  void usage_json(const CodexUsage& u) {
    fmt::format_to(std::back_inserter(b()),
                   "{{\"input_tokens\":{},\"cached_input_tokens\":{},\"cache_write_input_tokens\":"
                   "0,\"output_tokens\":{},\"reasoning_output_tokens\":{},\"total_tokens\":{}}}",
                   u.input, u.cached, u.output, u.reasoning, u.total());
  }
  void token_count();
  void token_usage_record(const CodexUsage& u);
  // An `item_completed` event; a message item holds `text`, or `bulk` bytes of filler.
  void item_completed(std::string_view item_type, std::string_view id, size_t bulk,
                      std::string_view text = {});
  CodexUsage next_usage(uint64_t new_tokens, bool cold);
  void respond(bool final);
  // Heavy profile: the response `u` calls apply_patch (a freeform tool in 0.169: the patch
  // is the call's raw `input`) on the project's files; then the tool's output.
  void apply_patch(const CodexUsage& u);
  void compact();

  const GenContext& g_;
  CodexThreadState& s_;
  Rng& rng_;
  OutFile& out_;
  Millis t_;
  bool clamp_;
  std::string turn_id_;
  CodexUsage turn_usage_;
  uint64_t prev_input_ = 0;
  uint64_t new_tokens_ = 0;
  Millis last_resp_t_ = 0;
  // Heavy profile only.
  const Project* project_ = nullptr;
  bool priority_ = false;
  std::string task_;
};

void Rollout::session_meta(const CodexPlan& plan) {
  auto it = std::back_inserter(b());
  open("session_meta");
  fmt::format_to(it, "\"account_scoped\":true,\"session_id\":\"{}\",\"id\":\"{}\",", s_.root_id,
                 s_.thread_id);
  if (s_.is_subagent) {
    fmt::format_to(it, "\"parent_thread_id\":\"{}\",", plan.parent_thread);
  }
  b().append("\"timestamp\":\"");
  append_iso_ms(b(), t_ - 110);
  fmt::format_to(it,
                 "\",\"cwd\":\"{0}\",\"runtime_workspace_roots\":[\"{0}\"],\"originator\":"
                 "\"codex_cli_rs\",\"cli_version\":\"{1}\",",
                 s_.cwd, kCliVersion);
  if (s_.is_subagent) {
    fmt::format_to(it,
                   "\"source\":{{\"subagent\":{{\"thread_spawn\":{{\"parent_thread_id\":\"{}\","
                   "\"depth\":1,\"agent_path\":\"/root/helper\",\"agent_nickname\":\"Turing\","
                   "\"agent_role\":null}}}}}},\"thread_source\":\"subagent\",",
                   plan.parent_thread);
  } else {
    b().append("\"source\":\"cli\",\"thread_source\":\"user\",");
  }
  b().append("\"model_provider\":\"openai\",\"base_instructions\":{\"text\":\"");
  filler(rng_.range(6'000, 14'000));
  fmt::format_to(it,
                 "\",\"provenance\":{{\"type\":\"model\",\"model\":\"{}\"}}}},\"history_mode\":"
                 "\"paginated\",\"context_window\":{{\"window_id\":\"{}\"}}",
                 s_.model, uuid7(rng_, t_));
  close();
}

void Rollout::token_count() {
  open("event_msg");
  b().append("\"type\":\"token_count\",\"info\":{\"total_token_usage\":");
  usage_json(s_.thread);
  b().append(",\"last_token_usage\":");
  usage_json(s_.last);
  fmt::format_to(std::back_inserter(b()),
                 ",\"last_usage_includes_reasoning\":false,\"model_context_window\":258400}},"
                 "\"rate_limits\":{{\"limit_id\":\"codex\",\"limit_name\":null,\"primary\":{{"
                 "\"used_percent\":{},\"window_minutes\":300,\"resets_at\":{}}},\"secondary\":{{"
                 "\"used_percent\":{},\"window_minutes\":10080,\"resets_at\":{}}},\"credits\":"
                 "null,\"plan_type\":\"pro\"}}",
                 rng_.range(0, 95), t_ / 1000 + 9000, rng_.range(0, 80), t_ / 1000 + 400'000);
  close();
}

void Rollout::token_usage_record(const CodexUsage& u) {
  turn_usage_.input += u.input;
  turn_usage_.cached += u.cached;
  turn_usage_.output += u.output;
  turn_usage_.reasoning += u.reasoning;
  s_.thread.input += u.input;
  s_.thread.cached += u.cached;
  s_.thread.output += u.output;
  s_.thread.reasoning += u.reasoning;
  s_.last = u;
  open("token_usage_record");
  fmt::format_to(std::back_inserter(b()),
                 "\"thread_id\":\"{}\",\"turn_id\":\"{}\",\"session_id\":\"{}\",\"root_turn_id\":"
                 "\"{}\",\"response_id\":\"resp_{}\",\"usage\":",
                 s_.thread_id, turn_id_, s_.root_id, turn_id_, hex_id(rng_, 40));
  usage_json(u);
  b().append(",\"turn_token_usage\":");
  usage_json(turn_usage_);
  b().append(",\"thread_token_usage\":");
  usage_json(s_.thread);
  close();
  g_.ledger->add("codex", s_.model, normalise(u));
  if (s_.is_subagent) {
    g_.ledger->trap("codex", "responses in sub-agent rollouts", normalise(u));
  }
}

void Rollout::item_completed(std::string_view item_type, std::string_view id, size_t bulk,
                             std::string_view text) {
  auto it = std::back_inserter(b());
  open("event_msg");
  fmt::format_to(it,
                 "\"type\":\"item_completed\",\"thread_id\":\"{}\",\"turn_id\":\"{}\",\"item\":{{"
                 "\"type\":\"{}\",\"id\":\"{}\",",
                 s_.thread_id, turn_id_, item_type, id);
  if (item_type == "CommandExecution") {
    fmt::format_to(it,
                   "\"process_id\":\"{}\",\"command\":[\"/bin/bash\",\"-lc\",\"scrubbed {}\"],"
                   "\"cwd\":\"file://{}\",\"source\":\"unified_exec_startup\",\"status\":"
                   "\"completed\",\"aggregated_output\":\"",
                   rng_.range(1000, 99999), hex_id(rng_, 8), s_.cwd);
    filler(bulk);
    fmt::format_to(it, "\",\"exit_code\":{},\"duration\":{{\"secs\":{},\"nanos\":{}}}",
                   rng_.chance(0.9) ? 0 : 1, rng_.range(0, 30), rng_.range(0, 999'999'999));
  } else if (item_type == "Reasoning") {
    b().append("\"summary_text\":[\"");
    filler(bulk);
    b().append("\"],\"raw_content\":[]");
  } else {
    b().append("\"content\":[{\"type\":\"text\",\"text\":\"");
    if (text.empty()) {
      filler(bulk);
    } else {
      b().append(text);
    }
    b().append("\"}]");
  }
  fmt::format_to(it, "}},\"started_at_ms\":{},\"completed_at_ms\":{}", t_ - 40, t_);
  close();
}

CodexUsage Rollout::next_usage(uint64_t new_tokens, bool cold) {
  CodexUsage u;
  u.input = s_.ctx + new_tokens;
  // The cached prefix is the previous prompt, in 64-token blocks (as in the fixtures).
  u.cached = cold ? 0 : std::min(prev_input_, u.input) / 64 * 64;
  u.output = rng_.lognormal(180, 1.1, 5, 24'000);
  if (rng_.chance(0.6)) {
    u.reasoning = u.output * rng_.range(10, 80) / 100;
  }
  prev_input_ = u.input;
  s_.ctx = u.input + u.output;
  return u;
}

void Rollout::respond(bool final) {
  auto it = std::back_inserter(b());
  advance(static_cast<Millis>(rng_.lognormal(3500, 0.8, 300, 120'000)));
  const bool cold = last_resp_t_ == 0 || t_ - last_resp_t_ > 30 * kMinute;
  const CodexUsage u = next_usage(new_tokens_, cold);
  last_resp_t_ = t_;
  if (u.reasoning > 0) {
    const std::string rs = "rs_" + hex_id(rng_, 40);
    if (project_ == nullptr) {  // the heavy profile keeps the item, not its event copy
      item_completed("Reasoning", rs, rng_.range(40, 400));
    }
    open("response_item");
    fmt::format_to(it,
                   "\"type\":\"reasoning\",\"id\":\"{}\",\"summary\":[{{\"type\":\"summary_text\","
                   "\"text\":\"scrubbed {}\"}}],\"content\":null,\"encrypted_content\":\"{}",
                   rs, hex_id(rng_, 8), base62_id(rng_, 32));
    filler(short_text(u.reasoning * 4 + 200));
    fmt::format_to(it, "\",\"internal_chat_message_metadata_passthrough\":{{\"turn_id\":\"{}\"}}",
                   turn_id_);
    close_item();
  }
  if (final) {
    const std::string msg = "msg_" + hex_id(rng_, 40);
    if (project_ == nullptr) {
      item_completed("AgentMessage", msg, (u.output - u.reasoning) * 3 + 20);
    }
    open("response_item");
    fmt::format_to(it,
                   "\"type\":\"message\",\"status\":\"completed\",\"id\":\"{}\",\"role\":"
                   "\"assistant\",\"content\":[{{\"type\":\"output_text\",\"text\":\"",
                   msg);
    filler(short_text((u.output - u.reasoning) * 3 + 20));
    fmt::format_to(it,
                   "\",\"annotations\":[]}}],\"internal_chat_message_metadata_passthrough\":{{"
                   "\"turn_id\":\"{}\"}}",
                   turn_id_);
    close_item();
    token_usage_record(u);
    token_count();
    return;
  }
  if (project_ != nullptr && rng_.chance(0.25)) {
    apply_patch(u);
    return;
  }
  const std::string call = "call_" + hex_id(rng_, 24);
  const bool patch = project_ == nullptr && rng_.chance(0.25);
  open("response_item");
  fmt::format_to(it,
                 "\"type\":\"function_call\",\"status\":\"completed\",\"id\":\"fc_{}\",\"name\":"
                 "\"{}\",\"arguments\":\"{{\\\"cmd\\\": \\\"",
                 hex_id(rng_, 40), patch ? "apply_patch" : "exec_command");
  if (project_ != nullptr) {
    b().append(shell_command(*project_, rng_));
  } else {
    filler(patch ? rng_.lognormal(1500, 1.0, 100, 40'000) : rng_.range(20, 200));
  }
  fmt::format_to(it,
                 "\\\", \\\"yield_time_ms\\\": 2000}}\",\"call_id\":\"{}\","
                 "\"internal_chat_message_metadata_passthrough\":{{\"turn_id\":\"{}\"}}",
                 call, turn_id_);
  close_item();
  token_usage_record(u);
  advance(static_cast<Millis>(rng_.lognormal(1200, 1.2, 30, 600'000)));
  const size_t bulk =
      project_ != nullptr ? heavy_result_bytes(rng_) : rng_.lognormal(1'800, 1.3, 40, 120'000);
  item_completed("CommandExecution", call, bulk);
  open("response_item");
  fmt::format_to(it,
                 "\"type\":\"function_call_output\",\"id\":\"fco_{}\",\"call_id\":\"{}\","
                 "\"output\":\"",
                 uuid7(rng_, t_), call);
  filler(bulk);
  fmt::format_to(it, "\",\"internal_chat_message_metadata_passthrough\":{{\"turn_id\":\"{}\"}}",
                 turn_id_);
  close_item();
  token_count();
  // The heavy profile logs a short excerpt of what the command printed to the model.
  new_tokens_ = project_ != nullptr ? heavy_result_tokens(rng_, kHeavyResultTokens, kHeavyResultMax)
                                    : bulk * 2 / 7 + rng_.range(20, 300);
}

void Rollout::apply_patch(const CodexUsage& u) {
  auto it = std::back_inserter(b());
  const std::string call = "call_" + hex_id(rng_, 24);
  const Patch patch = make_patch(*project_, rng_);
  open("response_item");
  fmt::format_to(it,
                 "\"type\":\"custom_tool_call\",\"status\":\"completed\",\"id\":\"ctc_{}\","
                 "\"call_id\":\"{}\",\"name\":\"apply_patch\",\"input\":\"{}\","
                 "\"internal_chat_message_metadata_passthrough\":{{\"turn_id\":\"{}\"}}",
                 hex_id(rng_, 40), call, patch.body, turn_id_);
  close_item();
  token_usage_record(u);
  advance(static_cast<Millis>(rng_.lognormal(400, 1.0, 30, 20'000)));
  open("response_item");
  fmt::format_to(it,
                 "\"type\":\"custom_tool_call_output\",\"call_id\":\"{}\",\"output\":"
                 "\"Success. Updated the following files:\\n",
                 call);
  for (const std::string_view file : patch.files) {
    fmt::format_to(it, "M {}\\n", file);
  }
  fmt::format_to(it, "\",\"internal_chat_message_metadata_passthrough\":{{\"turn_id\":\"{}\"}}",
                 turn_id_);
  close_item();
  token_count();
  new_tokens_ = rng_.range(200, 1'500);  // the patch and its result in the next prompt
}

void Rollout::compact() {
  // The summarisation call is a billed response with its own token_usage_record; the
  // token_count after it is written twice (agent-logs.md §3 rule 2).
  advance(static_cast<Millis>(rng_.range(5, 60) * kSecond));
  CodexUsage u;
  u.input = s_.ctx;
  u.cached = prev_input_ / 64 * 64;
  u.output = rng_.range(800, 3000);
  token_usage_record(u);
  token_count();
  open("compacted");
  b().append(
      "\"message\":\"\",\"replacement_history\":[{\"type\":\"message\",\"role\":\"user\","
      "\"content\":[{\"type\":\"input_text\",\"text\":\"");
  filler(u.output * 4);
  b().append("\"}]}]");
  close();
  advance(static_cast<Millis>(rng_.range(5, 50)));
  token_count();
  g_.ledger->trap("codex", "token_count events repeating a counted response", normalise(u));
  s_.ctx = rng_.range(12'000, 30'000);
  prev_input_ = 0;
}

void Rollout::turn(bool first, bool resumed, Millis gap, uint64_t bytes_left) {
  auto it = std::back_inserter(b());
  if (!first) {
    advance(static_cast<Millis>(
        rng_.lognormal(static_cast<double>(gap), 0.9, 5 * kSecond, 8 * 60 * kMinute)));
  }
  turn_id_ = uuid7(rng_, t_);
  turn_usage_ = CodexUsage{};
  open("event_msg");
  fmt::format_to(it,
                 "\"type\":\"task_started\",\"turn_id\":\"{0}\",\"root_turn_id\":\"{0}\","
                 "\"started_at\":{1},\"model_context_window\":258400,"
                 "\"collaboration_mode_kind\":\"default\"",
                 turn_id_, t_ / 1000);
  close();
  if (resumed && s_.last.input > 0) {
    token_count();
    g_.ledger->trap("codex", "token_count events repeating a counted response", normalise(s_.last));
  }
  advance(static_cast<Millis>(rng_.range(20, 80)));
  if (first) {
    open("response_item");
    b().append("\"type\":\"message\",\"id\":\"msg_");
    b().append(uuid7(rng_, t_));
    b().append("\",\"role\":\"developer\",\"content\":[");
    for (int i = 0; i < 3; ++i) {
      b().append(i ? ",{\"type\":\"input_text\",\"text\":\""
                   : "{\"type\":\"input_text\",\"text\":\"");
      filler(rng_.range(1'500, 5'000));
      b().append("\"}");
    }
    b().append("]");
    close_item();
    open("response_item");
    fmt::format_to(it,
                   "\"type\":\"message\",\"id\":\"msg_{}\",\"role\":\"user\",\"content\":[{{"
                   "\"type\":\"input_text\",\"text\":\"<environment_context>\\n  <cwd>{}</cwd>\\n"
                   "  <shell>bash</shell>\\n</environment_context>\"}}]",
                   uuid7(rng_, t_), s_.cwd);
    close_item();
    open("world_state");
    fmt::format_to(it, "\"full\":true,\"state\":{{\"model\":\"{}\",\"host_skills\":{{\"body\":\"",
                   s_.model);
    filler(rng_.range(1'000, 4'000));
    b().append("\"}}");
    close();
  }
  open("turn_context");
  fmt::format_to(it,
                 "\"turn_id\":\"{0}\",\"root_turn_id\":\"{0}\",\"cwd\":\"{1}\",\"approval_policy\":"
                 "\"on-request\",\"model\":\"{2}\",\"effort\":\"{3}\",\"collaboration_mode\":{{"
                 "\"mode\":\"default\",\"settings\":{{\"model\":\"{2}\",\"reasoning_effort\":"
                 "\"{3}\"}}}},\"summary\":\"auto\",\"sandbox_policy\":{{\"type\":"
                 "\"workspace-write\"}}",
                 turn_id_, s_.cwd, s_.model, rng_.chance(0.5) ? "medium" : "high");
  if (priority_) {
    b().append(",\"service_tier\":\"priority\"");
  }
  close();
  const size_t prompt = rng_.lognormal(300, 1.0, 10, 10'000);
  open("response_item");
  fmt::format_to(it,
                 "\"type\":\"message\",\"id\":\"msg_{}\",\"role\":\"user\",\"content\":[{{"
                 "\"type\":\"input_text\",\"text\":\"",
                 uuid7(rng_, t_));
  if (first && !task_.empty()) {
    b().append(task_);  // the thread's first prompt says what it is for
  } else {
    filler(short_text(prompt));
  }
  b().append("\"}]");
  close_item();
  item_completed("UserMessage", uuid7(rng_, t_), short_text(prompt),
                 first ? std::string_view(task_) : std::string_view());
  new_tokens_ = prompt / 4 + rng_.range(20, 300) + (first ? rng_.range(8'000, 14'000) : 0);
  // A heavy user's turns run longer chains of tool calls.
  const uint64_t n = g_.heavy() ? std::max<uint64_t>(1, std::min(rng_.lognormal(6.0, 0.8, 1, 40),
                                                                 bytes_left / kHeavyResponseBytes))
                                : std::max<uint64_t>(1, std::min(rng_.lognormal(4.0, 0.7, 1, 30),
                                                                 bytes_left / kEstResponseBytes));
  for (uint64_t i = 0; i < n; ++i) {
    const bool final = i + 1 == n || s_.ctx > 200'000;
    respond(final);
    if (final) {
      break;
    }
  }
  if (s_.ctx > 190'000) {
    compact();
  }
  open("event_msg");
  fmt::format_to(it,
                 "\"type\":\"task_complete\",\"turn_id\":\"{0}\",\"root_turn_id\":\"{0}\","
                 "\"last_agent_message\":\"scrubbed {1}\",\"duration_ms\":{2}",
                 turn_id_, hex_id(rng_, 8), rng_.range(500, 600'000));
  close();
  s_.last_ts = t_;
}

std::string pick_codex_model(Rng& rng) { return rng.chance(0.7) ? "gpt-5.5" : "gpt-5.4"; }

}  // namespace

CodexThreadState write_codex_thread(const GenContext& g, const CodexPlan& plan, Rng& rng) {
  CodexThreadState s;
  s.is_subagent = !plan.parent_thread.empty();
  s.model = g.heavy() ? (rng.chance(0.85) ? "gpt-5.5" : "gpt-5.4") : pick_codex_model(rng);
  SessionClock clock = g.heavy() ? slot_clock(g, plan.start, plan.bytes / kHeavyTurnBytes + 1)
                                 : plan_clock(g, plan.bytes / kEstTurnBytes + 1, rng);
  if (s.is_subagent) {
    clock.start = plan.parent_time + static_cast<Millis>(rng.range(10, 600)) * kSecond;
    s.cwd = plan.parent_cwd;
  } else if (g.heavy()) {
    s.cwd = plan.project->cwd_json;
  } else {
    s.cwd = fmt::format("/home/dev/src/project-{:02}", rng.range(1, 40));
  }
  s.thread_id = uuid7(rng, clock.start);
  s.root_id = s.is_subagent ? plan.parent_thread : s.thread_id;
  s.path = ".codex/sessions/" + date_slash(clock.start) + "/rollout-" +
           name_stamp_seconds(clock.start) + "-" + s.thread_id + ".jsonl";
  OutFile out;
  if (!out.open(g.root + "/" + s.path, false)) {
    return s;
  }
  Rollout r(g, s, rng, out, clock.start, true);
  if (g.heavy()) {
    r.set_priority(g.month->fast(clock.start));
    if (!s.is_subagent) {
      r.set_task(task_prompt(*plan.project, rng));
    }
  }
  r.session_meta(plan);
  bool first = true;
  do {
    // Now and then the user resumes the thread later (`codex exec resume`).
    const bool resumed = !first && rng.chance(0.12);
    const uint64_t written = out.written();
    r.turn(first, resumed, resumed ? clock.turn_gap * 6 : clock.turn_gap,
           plan.bytes > written ? plan.bytes - written : 0);
    first = false;
  } while (out.written() < plan.bytes);
  out.close();
  return s;
}

uint64_t append_codex_turns(const GenContext& g, CodexThreadState& s, int turns, Rng& rng) {
  OutFile out;
  if (!out.open(g.root + "/" + s.path, true)) {
    return 0;
  }
  const Millis resume =
      std::max(s.last_ts + kMinute, g.end - static_cast<Millis>(rng.range(1, 55)) * kMinute);
  Rollout r(g, s, rng, out, resume, false);
  for (int i = 0; i < turns; ++i) {
    r.turn(false, i == 0, 2 * kMinute, kEstTurnBytes);
  }
  out.close();
  return out.written();
}

}  // namespace tally::corpus
