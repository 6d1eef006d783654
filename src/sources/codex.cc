// The Codex CLI adapter: rollout files -> usage records and session facts.
//
// Codex writes one rollout per thread,
// `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread>.jsonl` (CODEX_HOME defaults to
// ~/.codex), and may later move it into `archived_sessions/`. Each line is
// `{timestamp, ordinal, type, payload}`. The quirks this file handles (agent-logs.md §3):
//
//  * Since 0.169 every billed response has exactly one `token_usage_record` line keyed by
//    `response_id`, carrying that response's `usage`. That is what we count, with the id
//    `codex:<response_id>`, so a copy of the rollout in archived_sessions/, a re-read from the
//    start, or a forked rollout that replays its parent's lines all land on the same ledger row.
//    Such a record is attributed to the thread its line names (`payload.thread_id`), not to the
//    file it was read from, so every copy of it is the same row.
//  * OpenAI's usage nests its buckets: `input_tokens` includes `cached_input_tokens` and
//    `output_tokens` includes `reasoning_output_tokens`. We store disjoint buckets (input minus
//    cached), never the raw numbers, or cached input would be billed twice.
//  * The model is not on the usage line. It appears only in `turn_context` (once per turn), so
//    the parser keeps a small turn_id -> model/effort/tier map in its state and joins
//    `token_usage_record.turn_id` to it, falling back to the latest turn. A rollout with no
//    turn_context has an unknown model: the record gets model "" and a problem is reported,
//    because a guessed model would be silently mispriced.
//  * Older rollouts have no token_usage_record, only `event_msg`/`token_count` events. Those
//    repeat: at the start of a resumed turn and after a compaction the same cumulative
//    `total_token_usage` (with a stale `last_token_usage`) is written again, so summing
//    `last_token_usage` over-counts. For them we take the per-field difference of successive
//    totals (never negative); a total that drops starts a new cumulative series whose first
//    value counts whole; an unchanged total yields nothing; `info: null` is skipped. Only when an
//    event has no total at all do we fall back to `last_token_usage`, skipping an exact repeat
//    of the previous one (a stale copy). Such records get ids from the cumulative position,
//    `codex:<thread>:tc:<series>:<total_tokens>` (or `...:tc:line:<n>` for the fallback), which
//    are stable across re-reads and copies of the file.
//  * A file decides per line which source wins: token_count events produce records only until
//    the first token_usage_record has been seen (0.169 writes both, the record first, so from
//    then on the events are redundant). A rollout begun by an old CLI and resumed by a new one
//    thus counts its old part from the events and its new part from the records. The cumulative
//    baseline keeps following the events either way.
//  * A sub-agent has its own rollout whose session_meta carries the root thread as `session_id`
//    and its direct parent as `parent_thread_id`; its spend is not in the parent's totals, so
//    every rollout is counted on its own and linked to the root thread (parent_session_id).
//
// Session facts per file: first/last timestamp of the lines read, user prompts, compactions
// (`compacted` lines, sized by the context of the last response before them), errors
// (`event_msg` type `error`), responses, and tool calls (`response_item`s function_call,
// custom_tool_call, local_shell_call, web_search_call; apply_patch bodies name the files). Prompts:
// 0.169 records each typed prompt as `event_msg`/`item_completed` with an item of type
// `UserMessage` (the injected environment context is a plain `response_item`, not an item); older
// CLIs wrote `event_msg`/`user_message`. The two describe the same prompts in different eras, so
// the count is the larger of the two tallies rather than their sum.

#include "sources/codex.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "sources/codex_items.h"
#include "sources/fs_walk.h"
#include "sources/json_fields.h"
#include "sources/json_head.h"
#include "sources/session_tools.h"
#include "sources/state_bag.h"

namespace tally::sources {
namespace {

using simdjson::ondemand::document;
using simdjson::ondemand::field;

constexpr std::string_view kStateVersion = "codex-3";  // 2: anatomy facts, 3: git marks
// Turn contexts kept for the turn_id join. Responses belong to the current turn in practice;
// a few more cover interleaved sub-agent and compaction turns.
constexpr size_t kMaxTurns = 16;
constexpr int kMaxDepth = 5;

// Usage as Codex writes it (nested buckets, see the essay above).
struct CodexUsage {
  std::int64_t input = 0;
  std::int64_t cached = 0;
  std::int64_t cache_write = 0;
  std::int64_t output = 0;
  std::int64_t reasoning = 0;
  std::int64_t total = 0;  // as written; 0 when absent

  bool operator==(const CodexUsage&) const = default;

  // The cumulative size used to detect a new series: total_tokens, else input + output.
  std::int64_t effective_total() const { return total > 0 ? total : input + output; }
  bool is_zero() const {
    return input == 0 && cached == 0 && cache_write == 0 && output == 0 && reasoning == 0;
  }

  // Disjoint ledger buckets.
  TokenCounts normalised() const {
    TokenCounts t;
    t.input = std::max<std::int64_t>(0, input - cached);
    t.cache_read = cached;
    t.cache_write = cache_write;
    t.output = output;
    t.reasoning = reasoning;
    return t;
  }

  std::string serialize() const {
    return fmt::format("{},{},{},{},{},{}", input, cached, cache_write, output, reasoning, total);
  }
  static CodexUsage parse(const std::string& text) {
    CodexUsage u;
    std::int64_t* slots[] = {&u.input,  &u.cached,    &u.cache_write,
                             &u.output, &u.reasoning, &u.total};
    size_t pos = 0;
    for (std::int64_t* slot : slots) {
      const size_t comma = text.find(',', pos);
      const std::string part =
          text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      *slot = std::strtoll(part.c_str(), nullptr, 10);
      if (comma == std::string::npos) {
        break;
      }
      pos = comma + 1;
    }
    return u;
  }
};

// Per field `a - b`, never negative.
CodexUsage difference(const CodexUsage& a, const CodexUsage& b) {
  CodexUsage d;
  d.input = std::max<std::int64_t>(0, a.input - b.input);
  d.cached = std::max<std::int64_t>(0, a.cached - b.cached);
  d.cache_write = std::max<std::int64_t>(0, a.cache_write - b.cache_write);
  d.output = std::max<std::int64_t>(0, a.output - b.output);
  d.reasoning = std::max<std::int64_t>(0, a.reasoning - b.reasoning);
  d.total = std::max<std::int64_t>(0, a.effective_total() - b.effective_total());
  return d;
}

// Reads a Codex usage object field by field. Unknown keys are skipped. Returns "" or why the
// object is unusable (a count that is no count): the line is then reported, never half-read.
std::string read_usage(object obj, CodexUsage& out) {
  for (auto item : obj) {
    field f;
    std::string_view key;
    if (std::move(item).get(f) != simdjson::SUCCESS ||
        f.unescaped_key().get(key) != simdjson::SUCCESS) {
      return "unreadable member";
    }
    std::int64_t* slot = nullptr;
    if (key == "input_tokens") {
      slot = &out.input;
    } else if (key == "cached_input_tokens") {
      slot = &out.cached;
    } else if (key == "cache_write_input_tokens") {
      slot = &out.cache_write;
    } else if (key == "output_tokens") {
      slot = &out.output;
    } else if (key == "reasoning_output_tokens") {
      slot = &out.reasoning;
    } else if (key == "total_tokens") {
      slot = &out.total;
    }
    if (slot != nullptr) {
      if (std::string why = read_count(f.value(), *slot); !why.empty()) {
        return fmt::format("{} is {}", key, why);
      }
    }
  }
  // The nested buckets (see the essay): a part larger than its whole is no usage Codex wrote.
  if (out.cached > out.input) {
    return fmt::format("cached_input_tokens ({}) exceeds input_tokens ({})", out.cached, out.input);
  }
  if (out.reasoning > out.output) {
    return fmt::format("reasoning_output_tokens ({}) exceeds output_tokens ({})", out.reasoning,
                       out.output);
  }
  return {};
}

// The latest turn_context of one turn.
struct TurnContext {
  std::string turn_id;
  std::string model;
  std::string effort;
  std::string service_tier;
  std::string cwd;
};

// Everything a parser carries from one line to the next; serialised by save_state().
struct CodexState {
  std::string thread_id;
  std::string parent_id;
  std::string cwd;
  bool meta_seen = false;
  std::vector<TurnContext> turns;  // oldest first, at most kMaxTurns
  bool records_seen = false;       // a token_usage_record was seen: token_count is redundant
  // token_count fallback
  bool has_total = false;
  CodexUsage prev_total;
  std::int64_t series = 0;
  bool has_last = false;
  CodexUsage prev_last;
  // session facts
  TimeMs first_ts = 0;
  TimeMs last_ts = 0;
  std::int64_t user_message_events = 0;
  std::int64_t user_message_items = 0;
  std::string first_prompt;  // prompt_title() of the first typed prompt
  std::int64_t errors = 0;
  std::int64_t context_tokens = 0;  // the last response's input + output: the context size
  ToolFacts tools;

  StateBag to_bag() const {
    StateBag bag;
    bag.set("v", std::string(kStateVersion));
    bag.set("thread", thread_id);
    bag.set("parent", parent_id);
    bag.set("cwd", cwd);
    bag.set_int("meta_seen", meta_seen ? 1 : 0);
    bag.set_int("turns", static_cast<std::int64_t>(turns.size()));
    for (size_t i = 0; i < turns.size(); ++i) {
      const std::string p = fmt::format("turn.{}.", i);
      bag.set(p + "id", turns[i].turn_id);
      bag.set(p + "model", turns[i].model);
      bag.set(p + "effort", turns[i].effort);
      bag.set(p + "tier", turns[i].service_tier);
      bag.set(p + "cwd", turns[i].cwd);
    }
    bag.set_int("records_seen", records_seen ? 1 : 0);
    bag.set_int("has_total", has_total ? 1 : 0);
    bag.set("prev_total", prev_total.serialize());
    bag.set_int("series", series);
    bag.set_int("has_last", has_last ? 1 : 0);
    bag.set("prev_last", prev_last.serialize());
    bag.set_int("first_ts", first_ts);
    bag.set_int("last_ts", last_ts);
    bag.set_int("user_message_events", user_message_events);
    bag.set_int("user_message_items", user_message_items);
    bag.set("first_prompt", first_prompt);
    bag.set_int("errors", errors);
    bag.set_int("context_tokens", context_tokens);
    tools.save(bag);
    return bag;
  }

  static CodexState from_bag(const StateBag& bag) {
    CodexState s;
    s.thread_id = bag.get("thread");
    s.parent_id = bag.get("parent");
    s.cwd = bag.get("cwd");
    s.meta_seen = bag.get_int("meta_seen") != 0;
    const std::int64_t n = std::clamp<std::int64_t>(bag.get_int("turns"), 0, kMaxTurns);
    for (std::int64_t i = 0; i < n; ++i) {
      const std::string p = fmt::format("turn.{}.", i);
      s.turns.push_back(TurnContext{bag.get(p + "id"), bag.get(p + "model"), bag.get(p + "effort"),
                                    bag.get(p + "tier"), bag.get(p + "cwd")});
    }
    s.records_seen = bag.get_int("records_seen") != 0;
    s.has_total = bag.get_int("has_total") != 0;
    s.prev_total = CodexUsage::parse(bag.get("prev_total"));
    s.series = bag.get_int("series");
    s.has_last = bag.get_int("has_last") != 0;
    s.prev_last = CodexUsage::parse(bag.get("prev_last"));
    s.first_ts = bag.get_int("first_ts");
    s.last_ts = bag.get_int("last_ts");
    s.user_message_events = bag.get_int("user_message_events");
    s.user_message_items = bag.get_int("user_message_items");
    s.first_prompt = bag.get("first_prompt");
    s.errors = bag.get_int("errors");
    s.context_tokens = bag.get_int("context_tokens");
    return s;
  }
};

// Response items that are tool calls (their outputs are not).
bool is_tool_item(std::string_view item) {
  return item == "function_call" || item == "custom_tool_call" || item == "local_shell_call" ||
         item == "web_search_call";
}

// The thread id in a rollout's file name (`rollout-<time>-<uuid>.jsonl`), or "".
std::string thread_id_from_file_name(const std::string& path) {
  std::string name = base_name(path);
  constexpr std::string_view kSuffix = ".jsonl";
  constexpr size_t kUuidLength = 36;
  if (name.size() < kSuffix.size() + kUuidLength ||
      name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return {};
  }
  std::string id = name.substr(name.size() - kSuffix.size() - kUuidLength, kUuidLength);
  for (size_t dash : {8U, 13U, 18U, 23U}) {
    if (id[dash] != '-') {
      return {};
    }
  }
  return id;
}

class CodexParser final : public FileParser {
 public:
  explicit CodexParser(SourceFile file)
      : file_(std::move(file)), file_thread_id_(thread_id_from_file_name(file_.path)) {}

  Status restore_state(std::string_view state) override {
    Result<StateBag> bag = StateBag::parse(state);
    if (!bag) {
      return Unexpected{bag.error()};
    }
    if (bag->get("v") != kStateVersion) {
      return fail(Errc::parse, "codex parser state of another version");
    }
    state_ = CodexState::from_bag(*bag);
    return state_.tools.restore(*bag);
  }

  std::string save_state() const override { return state_.to_bag().serialize(); }

  bool wants(std::string_view line) const override {
    // Fast path for compact lines, which name their kind in the first bytes: response items
    // (messages, tool calls and their output, reasoning) are most of a rollout's bytes and
    // carry no usage.
    // The decisions mirror on_line()/on_event(): what they ignore is skipped here.
    JsonHead head(line, 400);
    const std::string_view kind = head.find_string("type");
    if (kind == "response_item") {
      // Tool calls are the only response items the facts need.
      const std::string_view item =
          head.enter_object("payload") ? head.find_string("type") : std::string_view();
      return item.empty() || is_tool_item(item);
    }
    if (kind == "world_state" || kind == "inter_agent_communication_metadata") {
      return false;
    }
    if (kind == "token_usage_record" || kind == "turn_context" || kind == "session_meta" ||
        kind == "compacted") {
      return true;
    }
    if (kind == "event_msg") {
      const std::string_view event =
          head.enter_object("payload") ? head.find_string("type") : std::string_view();
      if (event == "token_count" || event == "user_message" || event == "error" ||
          event == "task_started" || event == "task_complete") {
        return true;
      }
      if (event == "item_completed") {
        const std::string_view item =
            head.enter_object("item") ? head.find_string("type") : std::string_view();
        if (!item.empty()) {
          // A shell command's result matters only when it may have made a commit or a pull
          // request (issue 18); the output of the others is skipped unparsed.
          return item == "UserMessage" ||
                 (item == "CommandExecution" &&
                  (line.find("commit") != std::string_view::npos ||
                   line.find("pr create") != std::string_view::npos));
        }
      } else if (!event.empty()) {
        return false;
      }
    }
    // Needles without quotes or colons, so pretty-printed JSON passes too. "error" is quoted
    // because the bare word is everywhere in tool output.
    static constexpr std::string_view kNeedles[] = {
        "token_usage_record", "token_count", "turn_context", "session_meta", "compacted",
        "user_message",       "UserMessage", "\"error\"",    "task_started", "task_complete"};
    for (std::string_view needle : kNeedles) {
      if (line.find(needle) != std::string_view::npos) {
        return true;
      }
    }
    return line.find("CommandExecution") != std::string_view::npos &&
           (line.find("commit") != std::string_view::npos ||
            line.find("pr create") != std::string_view::npos);
  }

  void on_line(const Line& line, ParseOutput& out) override;
  void finish(ParseOutput& out) override;

  std::vector<std::string_view> needles() const override {
    return {"token_usage_record", "token_count"};
  }

 private:
  bool open_object(const Line& line, object& root, ParseOutput& out);
  // Handles one well-formed line.
  void on_object(object root, const Line& line, ParseOutput& out);
  void problem(const Line& line, std::string what, ParseOutput& out) const {
    out.problems.push_back(ParseProblem{file_.path, line.number, line.offset, std::move(what)});
  }
  void on_session_meta(object payload);
  void on_turn_context(object payload);
  void on_tool_item(object payload);
  void on_usage_record(object payload, const Line& line, TimeMs ts, ParseOutput& out);
  void on_event(object payload, const Line& line, TimeMs ts, ParseOutput& out);
  void on_token_count(object payload, const Line& line, TimeMs ts, ParseOutput& out);
  const TurnContext* find_turn(std::string_view turn_id) const;
  void emit(std::string id, const CodexUsage& usage, const TurnContext* turn,
            std::string request_id, const Line& line, TimeMs ts, ParseOutput& out);
  const std::string& thread_id() const {
    return state_.thread_id.empty() ? file_thread_id_ : state_.thread_id;
  }

  SourceFile file_;
  std::string file_thread_id_;
  CodexState state_;
  simdjson::ondemand::parser parser_;  // only when the scanner lends none (tests)
  document doc_;
};

// Parses `line` as one JSON object. On Demand validates lazily, so the document is first skipped
// structurally: a truncated line fails here instead of yielding half a record.
bool CodexParser::open_object(const Line& line, object& root, ParseOutput& out) {
  const std::string why =
      open_line_object(line.json != nullptr ? *line.json : parser_, doc_, line.text, root);
  if (!why.empty()) {
    problem(line, why, out);
    return false;
  }
  return true;
}

void CodexParser::on_line(const Line& line, ParseOutput& out) {
  object root;
  if (!open_object(line, root, out)) {
    return;
  }
  on_object(root, line, out);
  if (!doc_.is_alive()) {
    // open_line_object() walked the line, so no read should break the document; if one does,
    // say so rather than pass over it.
    problem(line, "malformed JSON: the parser gave up mid-line", out);
  }
}

void CodexParser::on_object(object root, const Line& line, ParseOutput& out) {
  const std::string type = str_field(root, "type");
  // A line without a usable timestamp inherits the previous one (a record needs a time).
  const TimeMs ts = parse_iso8601(str_field(root, "timestamp")).value_or(state_.last_ts);
  if (ts != 0) {
    state_.first_ts = state_.first_ts == 0 ? ts : std::min(state_.first_ts, ts);
    state_.last_ts = std::max(state_.last_ts, ts);
  }
  if (type == "compacted") {
    state_.tools.compaction(state_.context_tokens);
    return;
  }
  std::optional<object> payload = object_field(root, "payload");
  if (!payload) {
    return;
  }
  if (type == "token_usage_record") {
    on_usage_record(*payload, line, ts, out);
  } else if (type == "event_msg") {
    on_event(*payload, line, ts, out);
  } else if (type == "turn_context") {
    on_turn_context(*payload);
  } else if (type == "session_meta") {
    on_session_meta(*payload);
  } else if (type == "response_item") {
    on_tool_item(*payload);
  }
}

void CodexParser::on_tool_item(object payload) {
  const std::string item = str_field(payload, "type");
  if (!is_tool_item(item)) {
    return;
  }
  if (item == "local_shell_call") {
    state_.tools.tool_call(item, ToolKind::shell);
    return;
  }
  if (item == "web_search_call") {
    std::string action;
    if (std::optional<object> a = object_field(payload, "action")) {
      action = str_field(*a, "type");
    }
    state_.tools.tool_call(item, action == "search"      ? ToolKind::web_search
                                 : action == "open_page" ? ToolKind::web_fetch
                                                         : ToolKind::other);
    return;
  }
  // function_call carries `arguments` (JSON text), custom_tool_call its raw `input`; either
  // may hold an apply_patch body, also when run through the shell tool (older CLIs).
  const std::string name = str_field(payload, "name");
  std::string body = str_field(payload, "arguments");
  if (body.empty()) {
    body = str_field(payload, "input");
  }
  const bool patch = body.find("*** Begin Patch") != std::string::npos;
  if (patch && tool_kind(name) != ToolKind::edit) {
    state_.tools.tool_call("apply_patch", ToolKind::edit);
  } else {
    state_.tools.tool_call(name);
  }
  if (patch) {
    state_.tools.patch_files(body);
  }
}

void CodexParser::on_session_meta(object payload) {
  // A rollout's own session_meta is its first line; any later one (a replayed or forked
  // history) describes another thread and must not re-label this file.
  if (state_.meta_seen) {
    return;
  }
  state_.meta_seen = true;
  state_.thread_id = str_field(payload, "id");
  // The ledger rolls a session up to its parent_session_id as the root, so a sub-agent links to
  // the root thread (`session_id`), not to its direct parent; a nested sub-agent would
  // otherwise hang off another sub-agent. `parent_thread_id` is the fallback for rollouts that
  // name only the direct parent.
  const std::string root_id = str_field(payload, "session_id");
  if (!root_id.empty() && root_id != state_.thread_id) {
    state_.parent_id = root_id;
  }
  if (state_.parent_id.empty()) {
    state_.parent_id = str_field(payload, "parent_thread_id");
  }
  if (state_.parent_id.empty()) {
    if (std::optional<object> source = object_field(payload, "source")) {
      if (std::optional<object> sub = object_field(*source, "subagent")) {
        if (std::optional<object> spawn = object_field(*sub, "thread_spawn")) {
          state_.parent_id = str_field(*spawn, "parent_thread_id");
        }
      }
    }
  }
  state_.cwd = str_field(payload, "cwd");
}

void CodexParser::on_turn_context(object payload) {
  TurnContext turn;
  turn.turn_id = str_field(payload, "turn_id");
  turn.model = str_field(payload, "model");
  turn.effort = str_field(payload, "effort");
  turn.service_tier = str_field(payload, "service_tier");
  turn.cwd = str_field(payload, "cwd");
  if (turn.model.empty() || turn.effort.empty()) {
    // The same turn's settings, nested; only the top-level fields are written by every version.
    if (std::optional<object> mode = object_field(payload, "collaboration_mode")) {
      if (std::optional<object> settings = object_field(*mode, "settings")) {
        if (turn.model.empty()) {
          turn.model = str_field(*settings, "model");
        }
        if (turn.effort.empty()) {
          turn.effort = str_field(*settings, "reasoning_effort");
        }
      }
    }
  }
  // The latest context of a turn wins; the turn moves to the back as the most recent.
  std::erase_if(state_.turns, [&](const TurnContext& t) { return t.turn_id == turn.turn_id; });
  state_.turns.push_back(std::move(turn));
  if (state_.turns.size() > kMaxTurns) {
    state_.turns.erase(state_.turns.begin());
  }
}

const TurnContext* CodexParser::find_turn(std::string_view turn_id) const {
  for (auto it = state_.turns.rbegin(); it != state_.turns.rend(); ++it) {
    if (!turn_id.empty() && it->turn_id == turn_id) {
      return &*it;
    }
  }
  return state_.turns.empty() ? nullptr : &state_.turns.back();
}

void CodexParser::on_usage_record(object payload, const Line& line, TimeMs ts, ParseOutput& out) {
  state_.records_seen = true;
  const std::string line_thread = str_field(payload, "thread_id");
  const std::string line_root = str_field(payload, "session_id");
  const std::string turn_id = str_field(payload, "turn_id");
  const std::string response_id = str_field(payload, "response_id");
  const std::string model = str_field(payload, "model");  // not written by 0.169; future-proof
  std::optional<object> usage_obj = object_field(payload, "usage");
  CodexUsage usage;
  if (!usage_obj) {
    problem(line, "token_usage_record without a readable usage object", out);
    return;
  }
  if (std::string why = read_usage(*usage_obj, usage); !why.empty()) {
    problem(line, fmt::format("token_usage_record with unusable usage: {}", why), out);
    return;
  }
  const TurnContext* turn = find_turn(turn_id);
  TurnContext with_model;
  if (!model.empty()) {
    with_model = turn != nullptr ? *turn : TurnContext{};
    with_model.model = model;
    turn = &with_model;
  }
  // Without a response id the line's position is the only stable identity left.
  std::string id = response_id.empty() ? fmt::format("codex:{}:line:{}", thread_id(), line.number)
                                       : fmt::format("codex:{}", response_id);
  emit(std::move(id), usage, turn, response_id, line, ts, out);
  if (line_thread.empty() || line_thread == thread_id()) {
    state_.tools.response();  // not a forked rollout's replay of its parent's responses
    state_.context_tokens = usage.effective_total();
  }
  // The line names the thread that made the response. A forked rollout replays its parent's
  // lines; attributing them by the line rather than by the file keeps the record identical
  // whichever copy the ledger upserted last.
  if (!line_thread.empty() && line_thread != thread_id()) {
    UsageRecord& r = out.records.back();
    r.session_id = line_thread;
    r.parent_session_id = line_root != line_thread ? line_root : std::string();
  }
}

void CodexParser::on_event(object payload, const Line& line, TimeMs ts, ParseOutput& out) {
  const std::string kind = str_field(payload, "type");
  if (kind == "token_count") {
    on_token_count(payload, line, ts, out);
  } else if (kind == "user_message") {
    ++state_.user_message_events;
    if (state_.first_prompt.empty()) {
      state_.first_prompt = prompt_title(str_field(payload, "message"));
    }
  } else if (kind == "item_completed") {
    // A forked rollout replays its parent's events under the parent's thread id.
    const std::string thread = str_field(payload, "thread_id");
    if (std::optional<object> item = object_field(payload, "item")) {
      const std::string item_type = str_field(*item, "type");
      if (item_type == "UserMessage") {
        ++state_.user_message_items;
        if (state_.first_prompt.empty()) {
          state_.first_prompt = prompt_title(first_text(*item));
        }
      } else if (item_type == "CommandExecution" && (thread.empty() || thread == thread_id())) {
        if (std::optional<CommandRun> run = read_command_run(*item)) {
          state_.tools.shell_output(run->script, run->output, run->cwd, ts);
        }
      }
    }
  } else if (kind == "error") {
    ++state_.errors;
  }
}

void CodexParser::on_token_count(object payload, const Line& line, TimeMs ts, ParseOutput& out) {
  std::optional<object> info = object_field(payload, "info");
  if (!info) {
    return;  // `info: null` is written before the first response of a session
  }
  std::optional<object> total_obj = object_field(*info, "total_token_usage");
  if (total_obj) {
    CodexUsage total;
    if (std::string why = read_usage(*total_obj, total); !why.empty()) {
      problem(line, fmt::format("token_count with an unusable total_token_usage: {}", why), out);
      return;
    }
    CodexUsage delta = total;  // the first value of a series counts whole
    if (state_.has_total) {
      if (total.effective_total() < state_.prev_total.effective_total()) {
        ++state_.series;
      } else {
        delta = difference(total, state_.prev_total);
      }
    }
    state_.has_total = true;
    state_.prev_total = total;
    if (state_.records_seen || delta.is_zero()) {
      return;
    }
    emit(fmt::format("codex:{}:tc:{}:{}", thread_id(), state_.series, total.effective_total()),
         delta, find_turn({}), {}, line, ts, out);
    state_.tools.response();
    return;
  }
  std::optional<object> last_obj = object_field(*info, "last_token_usage");
  if (!last_obj) {
    return;
  }
  CodexUsage last;
  if (std::string why = read_usage(*last_obj, last); !why.empty()) {
    problem(line, fmt::format("token_count with an unusable last_token_usage: {}", why), out);
    return;
  }
  // An identical repeat is the stale copy written on resume and after compaction.
  const bool repeat = state_.has_last && last == state_.prev_last;
  state_.has_last = true;
  state_.prev_last = last;
  if (state_.records_seen || repeat || last.is_zero()) {
    return;
  }
  emit(fmt::format("codex:{}:tc:line:{}", thread_id(), line.number), last, find_turn({}), {}, line,
       ts, out);
  state_.tools.response();
}

void CodexParser::emit(std::string id, const CodexUsage& usage, const TurnContext* turn,
                       std::string request_id, const Line& line, TimeMs ts, ParseOutput& out) {
  UsageRecord r;
  r.id = std::move(id);
  r.agent = Agent::codex;
  r.kind = RecordKind::response;
  r.ts = ts;
  r.session_id = thread_id();
  r.parent_session_id = state_.parent_id;
  r.project = state_.cwd;
  if (turn != nullptr) {
    r.model = turn->model;
    r.effort = turn->effort;
    r.service_tier = turn->service_tier;
    if (r.project.empty()) {
      r.project = turn->cwd;
    }
  }
  r.request_id = std::move(request_id);
  r.tokens = usage.normalised();
  r.source_file = file_.path;
  r.source_offset = line.offset;
  r.source_line = line.number;
  if (r.model.empty()) {
    problem(line, "model unknown: no turn_context names the model for this response (not guessed)",
            out);
  }
  out.records.push_back(std::move(r));
}

void CodexParser::finish(ParseOutput& out) {
  if (thread_id().empty()) {
    return;
  }
  SessionFacts facts;
  facts.agent = Agent::codex;
  facts.session_id = thread_id();
  facts.parent_session_id = state_.parent_id;
  facts.file_key = file_.file_key.empty() ? base_name(file_.path) : file_.file_key;
  facts.project =
      state_.cwd.empty() && !state_.turns.empty() ? state_.turns.back().cwd : state_.cwd;
  facts.first_ts = state_.first_ts;
  facts.last_ts = state_.last_ts;
  facts.user_prompts = std::max(state_.user_message_events, state_.user_message_items);
  facts.title = state_.first_prompt;  // Codex records no title of its own
  facts.errors = state_.errors;
  state_.tools.fill(facts);
  out.sessions.push_back(std::move(facts));
}

// The directory Codex keeps its state in: $CODEX_HOME, else ~/.codex; "" when neither is known.
std::string codex_home(const DiscoveryEnv& env) {
  if (!env.codex_home.empty()) {
    return env.codex_home;
  }
  return env.home.empty() ? std::string() : env.home + "/.codex";
}

class CodexAdapter final : public Adapter {
 public:
  Agent agent() const override { return Agent::codex; }

  std::vector<std::string> roots(const DiscoveryEnv& env) const override {
    const std::string home = codex_home(env);
    if (home.empty()) {
      return {};
    }
    return {home + "/sessions", home + "/archived_sessions"};
  }

  void discover(const DiscoveryEnv& env, std::vector<SourceFile>& out) const override {
    for (const std::string& root : roots(env)) {
      walk_files(root, kMaxDepth, {".jsonl"}, [&](const std::string& path, const FileStat& st) {
        out.push_back(SourceFile{Agent::codex, path, base_name(path), false, st});
      });
    }
  }

  std::unique_ptr<FileParser> open(const SourceFile& file) const override {
    return std::make_unique<CodexParser>(file);
  }
};

}  // namespace

std::unique_ptr<Adapter> make_codex_adapter() { return std::make_unique<CodexAdapter>(); }

}  // namespace tally::sources
