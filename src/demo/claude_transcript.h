#pragma once

// The Claude Code transcript writer shared by corpus/claude.cc (turns, usage, sessions) and
// corpus/claude_lines.cc (the JSON shape of each line kind). Internal to the generator.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include "demo/workspace.h"
#include "demo/writers.h"

namespace tally::corpus::claude {

inline constexpr std::string_view kVersion = "2.1.330";
// Claude Code titles sessions with its small model; that call is never an assistant line.
inline constexpr std::string_view kTitleModel = "claude-haiku-4-5";
inline constexpr Millis kSecond = 1000;
inline constexpr Millis kMinute = 60 * kSecond;
inline constexpr std::array<std::string_view, 8> kTools = {"Bash", "Read", "Edit",     "Write",
                                                           "Grep", "Glob", "WebFetch", "TodoWrite"};

// One response's usage, as written on each of its assistant lines.
struct Resp {
  uint64_t input = 0, cache_read = 0, cache_write = 0, output = 0, thinking = 0;
};

// Writes one transcript: the main session file, or a sub-agent's file (`sidechain`).
class Transcript {
 public:
  Transcript(const GenContext& g, ClaudeSessionState& s, Rng& rng, OutFile& out, std::string model,
             bool sidechain, std::string agent_id, Millis t, bool clamp)
      : g_(g),
        s_(s),
        rng_(rng),
        out_(out),
        model_(std::move(model)),
        sidechain_(sidechain),
        agent_id_(std::move(agent_id)),
        t_(t),
        clamp_(clamp) {
    // Attachments are ~80% of Claude bytes overall; files vary around that. A heavy user's
    // month keeps them short: its bytes go to more responses instead.
    const double u = rng_.unit();
    ratio_ = g_.heavy() ? 0.2 + 0.1 * u : 0.74 + 0.12 * u;
    if (g_.heavy()) {
      project_ = g_.workspace->find(s_.cwd);
      big_window_ = model_.find("haiku") == std::string::npos;
      fast_ = s_.fast && model_.find("opus") != std::string::npos;
    }
    if (!sidechain_) {
      parent_ = s_.last_uuid;
      ctx_ = s_.ctx;
    }
    last_resp_t_ = s_.last_ts;
  }

  Millis now() const { return t_; }
  // Lets this transcript hold the occasional multi-megabyte line (big files only).
  void allow_huge_lines() { huge_lines_ = true; }
  uint64_t ctx() const { return ctx_; }
  const std::string& parent() const { return parent_; }
  // Heavy profile: what the user asks for; the first prompt and the session's title.
  void set_task(std::string task) { task_ = std::move(task); }

  // One user prompt and its responses; `subagent_bytes` (may be 0) spawns a sub-agent.
  void turn(Millis gap, uint64_t subagent_bytes, bool title, uint64_t bytes_left);
  // The sub-agent body: a task prompt, then responses until the file holds `bytes`.
  void subagent_body(uint64_t bytes);
  // `/compact`: an unlogged summarisation call, visible only in the next cost-state.
  void compaction();
  // The session's cumulative per-model usage so far (no timestamp, like the real one).
  void cost_state();

 private:
  void advance(Millis d) {
    t_ += d;
    if (clamp_ && t_ > g_.end - kSecond) {
      t_ = g_.end - kSecond;
    }
  }
  std::string& b() { return out_.buf(); }
  void begin() { start_ = b().size(); }
  void end(bool attachment) {
    b().push_back('\n');
    (attachment ? attach_bytes_ : other_bytes_) += b().size() - start_;
    out_.maybe_flush();
  }
  void ts() {
    b().append(",\"timestamp\":\"");
    append_iso_ms(b(), t_);
    b().push_back('"');
  }
  // `{"parentUuid":...,"isSidechain":...[,"agentId":...],`
  void head() {
    if (parent_.empty()) {
      b().append("{\"parentUuid\":null");
    } else {
      fmt::format_to(std::back_inserter(b()), "{{\"parentUuid\":\"{}\"", parent_);
    }
    b().append(sidechain_ ? ",\"isSidechain\":true" : ",\"isSidechain\":false");
    if (sidechain_) {
      fmt::format_to(std::back_inserter(b()), ",\"agentId\":\"{}\"", agent_id_);
    }
    b().push_back(',');
  }
  void tail() {
    fmt::format_to(std::back_inserter(b()),
                   ",\"userType\":\"external\",\"entrypoint\":\"cli\",\"cwd\":\"{}\","
                   "\"sessionId\":\"{}\",\"version\":\"{}\",\"gitBranch\":\"{}\"}}",
                   s_.cwd, s_.session_id, kVersion, s_.branch);
  }
  void filler(size_t n) { g_.filler->append(b(), n, rng_); }
  // Bytes of attachment still owed to reach the file's attachment share, if the rest of
  // the turn adds `more_other` bytes of other lines.
  size_t attach_deficit(size_t more_other) const {
    const double want = ratio_ / (1.0 - ratio_) * static_cast<double>(other_bytes_ + more_other) -
                        static_cast<double>(attach_bytes_);
    return want > 0 ? static_cast<size_t>(want) : 0;
  }

  void queue_op(bool enqueue, std::string_view content);
  void simple(std::string_view json_without_brace);  // `{"type":...,"sessionId":...}` lines
  std::string user_prompt(size_t text_bytes);
  // Heavy profile: a tool_use `input`'s members, naming the project's files.
  void tool_input(std::string_view tool_name);
  // The context size at which a turn stops calling tools: near the model's window.
  uint64_t ctx_limit() const { return big_window_ ? 850'000 : 185'000; }
  // Filler for text the heavy profile keeps short.
  size_t short_text(size_t n) const { return g_.heavy() ? std::min<size_t>(n, 200) : n; }
  void attachment(std::string_view kind, size_t bulk);
  void initial_attachments(size_t bulk);
  void api_request_shape();
  void api_request_blob(size_t bulk);
  void api_request();
  void file_history_snapshot(const std::string& message_id);
  Resp next_resp(uint64_t new_tokens, bool cold);
  std::string respond(const Resp& r, bool tool_use, std::string_view tool_name,
                      std::string& tool_id);
  void tool_result(const std::string& tool_id, const std::string& asst_uuid, size_t bulk);
  void system_line(std::string_view subtype_and_fields);
  void synthetic_error();
  void add_usage(const std::string& model, const Resp& r, bool unlogged);

  const GenContext& g_;
  ClaudeSessionState& s_;
  Rng& rng_;
  OutFile& out_;
  std::string model_;
  bool sidechain_;
  std::string agent_id_;
  Millis t_;
  bool clamp_;
  double ratio_ = 0.8;
  size_t start_ = 0;
  uint64_t attach_bytes_ = 0, other_bytes_ = 0;
  std::string parent_;
  std::string last_request_;
  uint64_t ctx_ = 0;
  Millis last_resp_t_ = 0;
  bool fresh_context_ = true;  // next turn re-sends the initial attachments
  bool huge_lines_ = false;
  // Heavy profile only.
  const Project* project_ = nullptr;  // the session's project (file names)
  bool big_window_ = false;           // a 1M-token context (Opus, Sonnet)
  bool fast_ = false;                 // requests at fast speed
  std::string task_;
};

}  // namespace tally::corpus::claude
