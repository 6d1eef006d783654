// Gemini CLI chats, in the 0.61.0 JSONL shapes of tests/data/real-logs.
//
// A chat is a header, a `$set` holding the initial messages, then `user` and `gemini` lines
// with `$set.lastUpdated` patches between them. A response that calls a tool is written
// twice under the same id (the second copy adds `toolCalls`), and `--resume` appends a new
// header and a `$set.messages` replaying the whole conversation, earlier `gemini` messages
// and their tokens included (agent-logs.md §4). The Ledger counts each id once, from the
// top-level lines only.

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string_view>
#include <vector>

#include "demo/workspace.h"
#include "demo/writers.h"

namespace tally::corpus {
namespace {

constexpr Millis kSecond = 1000;
constexpr Millis kMinute = 60 * kSecond;
constexpr uint64_t kEstTurnBytes = 40'000;
constexpr uint64_t kEstResponseBytes = 9'000;
// The same for the heavy profile's short lines.
constexpr uint64_t kHeavyTurnBytes = 12'000;
constexpr uint64_t kHeavyResponseBytes = 2'500;
// Median tokens a tool result adds to a Gemini context (heavy profile).
constexpr double kHeavyResultTokens = 3'000;
constexpr uint64_t kHeavyResultMax = 40'000;
// Conversations longer than this are not replayed on resume: the copy would dominate the
// file, and real resumes of huge chats are rare.
constexpr uint64_t kMaxReplayBytes = 2u << 20;

struct GeminiUsage {
  uint64_t input = 0, output = 0, cached = 0, thoughts = 0, tool = 0;
};

Tokens normalise(const GeminiUsage& u) {
  return Tokens{1, u.input - u.cached + u.tool, u.cached, 0, 0, u.output + u.thoughts, u.thoughts};
}

class Chat {
 public:
  Chat(const GenContext& g, GeminiChatState& s, Rng& rng, OutFile& out, Millis t, bool clamp,
       bool keep_history)
      : g_(g), s_(s), rng_(rng), out_(out), t_(t), clamp_(clamp), keep_history_(keep_history) {}

  Millis now() const { return t_; }
  // Heavy profile: what the user asks for, the chat's first prompt.
  void set_task(std::string task) { task_ = std::move(task); }
  void header();
  void turn(Millis gap, bool first, uint64_t bytes_left);
  // `--resume`: a new header and the whole conversation replayed in `$set.messages`.
  void resume();

 private:
  std::string& b() { return out_.buf(); }
  void advance(Millis d) {
    t_ += d;
    if (clamp_ && t_ > g_.end - kSecond) {
      t_ = g_.end - kSecond;
    }
  }
  void filler(std::string& out, size_t n) { g_.filler->append(out, n, rng_); }
  // Filler for text the heavy profile keeps short.
  size_t short_text(size_t n) const { return g_.heavy() ? std::min<size_t>(n, 200) : n; }
  void line(const std::string& message) {
    b().append(message);
    b().push_back('\n');
    out_.maybe_flush();
    if (keep_history_) {
      history_.push_back(message);
    }
  }
  void touch() {
    b().append("{\"$set\":{\"lastUpdated\":\"");
    append_iso_ms(b(), t_);
    b().append("\"}}\n");
  }
  std::string ts() const { return iso_ms(t_); }

  const GenContext& g_;
  GeminiChatState& s_;
  Rng& rng_;
  OutFile& out_;
  Millis t_;
  bool clamp_;
  bool keep_history_;
  std::vector<std::string> history_;  // message objects, for a resume replay
  std::vector<GeminiUsage> responses_;
  uint64_t prev_input_ = 0;
  std::string task_;  // heavy profile only
};

void Chat::header() {
  fmt::format_to(std::back_inserter(b()),
                 "{{\"sessionId\":\"{0}\",\"projectHash\":\"{1}\",\"startTime\":\"{2}\","
                 "\"lastUpdated\":\"{2}\",\"kind\":\"main\"}}\n",
                 s_.session_id, hex_id(rng_, 64), ts());
  advance(1);
  std::string msg = fmt::format(
      "{{\"id\":\"{}\",\"timestamp\":\"{}\",\"type\":\"user\",\"content\":[{{\"text\":"
      "\"<session_context>\\n",
      hex_id(rng_, 32), ts());
  filler(msg, rng_.range(800, 3000));
  msg.append("\\n</session_context>\"}]}");
  fmt::format_to(std::back_inserter(b()),
                 "{{\"$set\":{{\"messages\":[{}],\"lastUpdated\":\"{}\"}}}}\n", msg, ts());
  if (keep_history_) {
    history_.push_back(msg);
  }
}

void Chat::turn(Millis gap, bool first, uint64_t bytes_left) {
  if (!first) {
    advance(static_cast<Millis>(
        rng_.lognormal(static_cast<double>(gap), 0.9, 5 * kSecond, 8 * 60 * kMinute)));
  }
  std::string msg = fmt::format(
      "{{\"id\":\"{}\",\"timestamp\":\"{}\",\"type\":\"user\",\"content\":[{{\"text\":\"",
      uuid4(rng_), ts());
  const size_t prompt = rng_.lognormal(250, 1.0, 10, 8'000);
  if (first && !task_.empty()) {
    msg.append(task_);  // the chat's first prompt says what it is for
  } else {
    filler(msg, short_text(prompt));
  }
  msg.append("\"}]}");
  line(msg);
  touch();
  uint64_t new_tokens = prompt / 4 + rng_.range(20, 300) + (first ? rng_.range(6'000, 12'000) : 0);
  const uint64_t n = std::max<uint64_t>(
      1, std::min(rng_.lognormal(2.5, 0.7, 1, 16),
                  bytes_left / (g_.heavy() ? kHeavyResponseBytes : kEstResponseBytes)));
  for (uint64_t i = 0; i < n; ++i) {
    advance(static_cast<Millis>(rng_.lognormal(4000, 0.8, 300, 90'000)));
    GeminiUsage u;
    u.input = s_.ctx + new_tokens;
    // Implicit caching serves the previous prompt in 1024-token blocks, when it hits.
    u.cached = rng_.chance(0.7) ? std::min(prev_input_, u.input) / 1024 * 1024 : 0;
    u.output = rng_.lognormal(150, 1.0, 3, 12'000);
    u.thoughts = rng_.chance(0.7) ? rng_.lognormal(250, 1.0, 10, 8'000) : 0;
    u.tool = rng_.chance(0.05) ? rng_.range(40, 600) : 0;
    prev_input_ = u.input;
    s_.ctx = std::min<uint64_t>(u.input + u.output, 400'000);
    if (s_.ctx > 180'000) {
      // Gemini CLI compresses the history; the next prompt is short again.
      s_.ctx = rng_.range(20'000, 40'000);
      prev_input_ = 0;
    }
    const std::string id = uuid4(rng_);
    std::string head = fmt::format(
        "{{\"id\":\"{}\",\"timestamp\":\"{}\",\"type\":\"gemini\",\"content\":\"", id, ts());
    filler(head, short_text(u.output * 3 + 10));
    head.append("\",\"thoughts\":[");
    if (u.thoughts > 0) {
      head.append("{\"subject\":\"Planning\",\"description\":\"");
      filler(head, short_text(u.thoughts * 3));
      fmt::format_to(std::back_inserter(head), "\",\"timestamp\":\"{}\"}}", ts());
    }
    fmt::format_to(std::back_inserter(head),
                   "],\"tokens\":{{\"input\":{},\"output\":{},\"cached\":{},\"thoughts\":{},"
                   "\"tool\":{},\"total\":{}}},\"model\":\"{}\"",
                   u.input, u.output, u.cached, u.thoughts, u.tool,
                   u.input + u.output + u.thoughts + u.tool, s_.model);
    g_.ledger->add("gemini", s_.model, normalise(u));
    responses_.push_back(u);
    const bool final = i + 1 == n;
    if (final) {
      line(head + "}");
      touch();
      break;
    }
    // Written once as soon as the response arrives, then again with the tool call's result.
    b().append(head);
    b().append("}\n");
    touch();
    g_.ledger->trap("gemini", "gemini lines repeating a counted response", normalise(u));
    advance(static_cast<Millis>(rng_.lognormal(1200, 1.2, 30, 300'000)));
    const std::string call = fmt::format("run_shell_command_{}_{}", t_, i);
    std::string result = fmt::format(
        "[{{\"functionResponse\":{{\"id\":\"{}\",\"name\":\"run_shell_command\",\"response\":{{"
        "\"output\":\"",
        call);
    const size_t bulk =
        g_.heavy() ? heavy_result_bytes(rng_) : rng_.lognormal(1'500, 1.3, 30, 100'000);
    filler(result, bulk);
    result.append("\"}}}]");
    std::string full = head;
    fmt::format_to(std::back_inserter(full),
                   ",\"toolCalls\":[{{\"id\":\"{}\",\"name\":\"run_shell_command\",\"args\":{{"
                   "\"command\":\"scrubbed {}\"}},\"result\":{},\"status\":\"success\","
                   "\"timestamp\":\"{}\",\"displayName\":\"Shell\"}}]}}",
                   call, hex_id(rng_, 8), result, ts());
    line(full);
    line(fmt::format("{{\"id\":\"{}\",\"timestamp\":\"{}\",\"type\":\"user\",\"content\":{}}}",
                     uuid4(rng_), ts(), result));
    touch();
    // The heavy profile logs a short excerpt of what the command printed to the model.
    new_tokens = g_.heavy() ? heavy_result_tokens(rng_, kHeavyResultTokens, kHeavyResultMax)
                            : bulk * 2 / 7 + rng_.range(20, 200);
  }
  s_.last_ts = t_;
}

void Chat::resume() {
  advance(static_cast<Millis>(rng_.range(10, 600)) * kMinute);
  fmt::format_to(std::back_inserter(b()),
                 "{{\"sessionId\":\"{0}\",\"projectHash\":\"{1}\",\"startTime\":\"{2}\","
                 "\"lastUpdated\":\"{2}\",\"kind\":\"main\"}}\n{{\"$set\":{{\"messages\":[",
                 s_.session_id, hex_id(rng_, 64), ts());
  for (size_t i = 0; i < history_.size(); ++i) {
    if (i > 0) {
      b().push_back(',');
    }
    b().append(history_[i]);
  }
  fmt::format_to(std::back_inserter(b()), "],\"lastUpdated\":\"{}\"}}}}\n", ts());
  for (const GeminiUsage& u : responses_) {
    g_.ledger->trap("gemini", "responses replayed by a resume's $set.messages", normalise(u));
  }
  out_.maybe_flush();
  // Resuming in another minute also leaves a stub file: a header and the same replay, under
  // the same sessionId, while the conversation goes on in the original file (rule 3).
  const std::string dir = s_.path.substr(0, s_.path.rfind('/'));
  OutFile stub;
  if (stub.open(g_.root + "/" + dir + "/session-" + name_stamp_minutes(t_) + "-" +
                    s_.session_id.substr(0, 8) + ".jsonl",
                false)) {
    fmt::format_to(std::back_inserter(stub.buf()),
                   "{{\"sessionId\":\"{0}\",\"projectHash\":\"{1}\",\"startTime\":\"{2}\","
                   "\"lastUpdated\":\"{2}\",\"kind\":\"main\"}}\n{{\"$set\":{{\"messages\":[",
                   s_.session_id, hex_id(rng_, 64), ts());
    for (size_t i = 0; i < history_.size(); ++i) {
      if (i > 0) {
        stub.buf().push_back(',');
      }
      stub.buf().append(history_[i]);
    }
    fmt::format_to(std::back_inserter(stub.buf()), "],\"lastUpdated\":\"{}\"}}}}\n", ts());
    stub.close();
    for (const GeminiUsage& u : responses_) {
      g_.ledger->trap("gemini", "responses replayed in a resume stub file", normalise(u));
    }
  }
}

}  // namespace

GeminiChatState write_gemini_chat(const GenContext& g, uint64_t bytes,
                                  const std::string& project_dir, Rng& rng, const Project* project,
                                  Millis start) {
  GeminiChatState s;
  s.session_id = uuid4(rng);
  s.project = project_dir;
  s.model = "gemini-3-pro-preview";
  const SessionClock clock = project != nullptr ? slot_clock(g, start, bytes / kHeavyTurnBytes + 1)
                                                : plan_clock(g, bytes / kEstTurnBytes + 1, rng);
  s.path = ".gemini/tmp/" + project_dir + "/chats/session-" + name_stamp_minutes(clock.start) +
           "-" + s.session_id.substr(0, 8) + ".jsonl";
  OutFile out;
  if (!out.open(g.root + "/" + s.path, false)) {
    return s;
  }
  const bool will_resume = bytes < kMaxReplayBytes && rng.chance(0.08);
  Chat chat(g, s, rng, out, clock.start, true, will_resume);
  if (project != nullptr) {
    chat.set_task(task_prompt(*project, rng));
  }
  chat.header();
  bool first = true;
  bool resumed = false;
  do {
    if (will_resume && !resumed && !first && out.written() > bytes / 2) {
      chat.resume();
      resumed = true;
    }
    const uint64_t written = out.written();
    chat.turn(clock.turn_gap, first, bytes > written ? bytes - written : 0);
    first = false;
  } while (out.written() < bytes);
  out.close();
  return s;
}

uint64_t append_gemini_turns(const GenContext& g, GeminiChatState& s, int turns, Rng& rng) {
  OutFile out;
  if (!out.open(g.root + "/" + s.path, true)) {
    return 0;
  }
  const Millis resume =
      std::max(s.last_ts + kMinute, g.end - static_cast<Millis>(rng.range(1, 55)) * kMinute);
  Chat chat(g, s, rng, out, resume, false, false);
  for (int i = 0; i < turns; ++i) {
    chat.turn(2 * kMinute, false, kEstTurnBytes);
  }
  out.close();
  return out.written();
}

}  // namespace tally::corpus
