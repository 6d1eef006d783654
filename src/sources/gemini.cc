// The Gemini CLI adapter: chat recordings -> usage records and session facts.
//
// Gemini CLI records each chat under `$GEMINI_CLI_HOME/.gemini/tmp/<project>/chats/`
// (GEMINI_CLI_HOME defaults to $HOME). The quirks this file handles (agent-logs.md §4):
//
//  * Two formats. 0.61 writes `session-<YYYY-MM-DDTHH-MM>-<id8>.jsonl`: a header line
//    `{sessionId, projectHash, startTime, lastUpdated, kind}`, `{"$set": {...}}` patches, and one
//    line per message. Older versions wrote `session-*.json`, one JSON document with a `messages`
//    array, rewritten whole on every save; the scanner hands such a file over as a single Line
//    (SourceFile::whole_document) and the parser recomputes everything from it each time.
//  * `$set.messages` replaces the whole message list: on `--resume` the CLI appends a new header
//    and a `$set` holding the entire earlier conversation, tokens included. Patches are therefore
//    ignored for accounting; only top-level `type:"gemini"` lines count. The one patch we honour
//    is `$set.sessionId`, which names the session the following lines belong to.
//  * A response with a function call is written twice with the same `id`, the second copy adding
//    `toolCalls`. Ids are `gemini:<sessionId>:<message id>`, so copies collapse in the ledger; the
//    parser also drops a copy that directly repeats the previous response (same id and tokens),
//    remembering that id in its state so the result does not depend on where a run was cut.
//  * Resuming in another minute creates a stub file (header + `$set` only) while the
//    conversation goes on in the original file: stubs yield no records.
//  * `tokens` mirrors the API's usageMetadata: `input` is the prompt and includes `cached`,
//    `output` excludes `thoughts`, and `tool` (tool-use prompt) is billed as input. Ledger buckets:
//    input = input - cached + tool, cache_read = cached, output = output + thoughts,
//    reasoning = thoughts.
//  * `<project>` is a short name registered in `~/.gemini/projects.json`
//    (`{"projects": {"/abs/cwd": "<name>"}}`); the parser maps it back to the cwd once, at open
//    time, and falls back to the directory name (older versions used a hash directory there).
//  * With model `auto` a router call runs per prompt and is never written to the chat file; a
//    file-based ledger cannot see it, so nothing here invents it.
//
// Session facts per file: user prompts are top-level `user` messages with typed text (not a
// `functionResponse`, not the injected `<session_context>`); errors are `error` messages;
// first/last timestamps come from the messages, or from the headers when a file has none;
// tool calls come from `toolCalls` (counted once per response id), edited files from their
// `args.file_path`. Gemini CLI writes no compaction or slash-command marker to the chat.

#include "sources/gemini.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "sources/fs_walk.h"
#include "sources/json_fields.h"
#include "sources/session_tools.h"
#include "sources/state_bag.h"

namespace tally::sources {
namespace {

using simdjson::ondemand::array;
using simdjson::ondemand::document;
using simdjson::ondemand::field;
using simdjson::ondemand::json_type;

constexpr std::string_view kStateVersion = "gemini-3";  // 2: anatomy facts; 3: git marks
constexpr std::string_view kSessionContext = "<session_context>";
// tmp/<project>/chats/<file>: the file sits at depth 2 below tmp.
constexpr int kMaxDepth = 3;

// The `tokens` object of a gemini message.
struct GeminiTokens {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cached = 0;
  std::int64_t thoughts = 0;
  std::int64_t tool = 0;
  std::int64_t total = 0;

  bool operator==(const GeminiTokens&) const = default;

  TokenCounts normalised() const {
    TokenCounts t;
    t.input = std::max<std::int64_t>(0, input - cached) + tool;
    t.cache_read = cached;
    t.output = output + thoughts;
    t.reasoning = thoughts;
    return t;
  }

  std::string serialize() const {
    return fmt::format("{},{},{},{},{},{}", input, output, cached, thoughts, tool, total);
  }
};

// Reads a `tokens` object; unknown keys are skipped. Returns "" or why the object is unusable
// (a count that is no count): the message is then reported, never half-read.
std::string read_tokens(object obj, GeminiTokens& out) {
  for (auto item : obj) {
    field f;
    std::string_view key;
    if (std::move(item).get(f) != simdjson::SUCCESS ||
        f.unescaped_key().get(key) != simdjson::SUCCESS) {
      return "unreadable member";
    }
    std::int64_t* slot = nullptr;
    if (key == "input") {
      slot = &out.input;
    } else if (key == "output") {
      slot = &out.output;
    } else if (key == "cached") {
      slot = &out.cached;
    } else if (key == "thoughts") {
      slot = &out.thoughts;
    } else if (key == "tool") {
      slot = &out.tool;
    } else if (key == "total") {
      slot = &out.total;
    }
    if (slot != nullptr) {
      if (std::string why = read_count(f.value(), *slot); !why.empty()) {
        return fmt::format("{} is {}", key, why);
      }
    }
  }
  // `input` includes `cached` (see the essay): more cached than input is no usage Gemini wrote.
  if (out.cached > out.input) {
    return fmt::format("cached ({}) exceeds input ({})", out.cached, out.input);
  }
  return {};
}

bool is_injected_context(std::string_view text) {
  const size_t start = text.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos && text.substr(start).starts_with(kSessionContext);
}

// True when a user message's `content` is text the user typed: a non-empty string, or parts
// with at least one `text` and no `functionResponse` (a tool result sent back to the model).
bool is_typed_prompt(object msg, std::string& typed) {
  value content;
  json_type type;
  if (msg.find_field_unordered("content").get(content) != simdjson::SUCCESS ||
      content.type().get(type) != simdjson::SUCCESS) {
    return false;
  }
  if (type == json_type::string) {
    std::string_view text;
    if (content.get_string().get(text) == simdjson::SUCCESS && !text.empty() &&
        !is_injected_context(text)) {
      typed.assign(text.substr(0, kPromptCopyBytes));
      return true;
    }
    return false;
  }
  array parts;
  if (type != json_type::array || content.get_array().get(parts) != simdjson::SUCCESS) {
    return false;
  }
  bool has_text = false;
  for (auto element : parts) {
    object part;
    if (element.get_object().get(part) != simdjson::SUCCESS) {
      continue;
    }
    for (auto item : part) {
      field f;
      std::string_view key;
      if (std::move(item).get(f) != simdjson::SUCCESS ||
          f.unescaped_key().get(key) != simdjson::SUCCESS) {
        return false;
      }
      if (key == "functionResponse") {
        return false;
      }
      std::string_view text;
      if (key == "text" && f.value().get_string().get(text) == simdjson::SUCCESS && !text.empty() &&
          !is_injected_context(text)) {
        if (!has_text) {
          typed.assign(text.substr(0, kPromptCopyBytes));
        }
        has_text = true;
      }
    }
  }
  return has_text;
}

void fold_time(TimeMs ts, TimeMs& first, TimeMs& last) {
  if (ts == 0) {
    return;
  }
  first = first == 0 ? ts : std::min(first, ts);
  last = std::max(last, ts);
}

// Everything a parser carries from one line to the next; serialised by save_state().
struct GeminiState {
  std::string session_id;        // the session the current lines belong to
  std::string first_session_id;  // the file's first session: names its SessionFacts
  std::string last_response_id;  // the previous gemini response, to drop its direct repeat
  std::string last_response_tokens;
  TimeMs first_ts = 0;
  TimeMs last_ts = 0;
  TimeMs header_first_ts = 0;
  TimeMs header_last_ts = 0;
  std::int64_t user_prompts = 0;
  std::string first_prompt;  // prompt_title() of the first typed prompt
  std::int64_t errors = 0;
  std::string last_tools_id;  // the response whose toolCalls were counted last
  ToolFacts tools;

  StateBag to_bag() const {
    StateBag bag;
    bag.set("v", std::string(kStateVersion));
    bag.set("session", session_id);
    bag.set("first_session", first_session_id);
    bag.set("last_response", last_response_id);
    bag.set("last_tokens", last_response_tokens);
    bag.set_int("first_ts", first_ts);
    bag.set_int("last_ts", last_ts);
    bag.set_int("header_first_ts", header_first_ts);
    bag.set_int("header_last_ts", header_last_ts);
    bag.set_int("user_prompts", user_prompts);
    bag.set("first_prompt", first_prompt);
    bag.set_int("errors", errors);
    bag.set("last_tools", last_tools_id);
    tools.save(bag);
    return bag;
  }

  static GeminiState from_bag(const StateBag& bag) {
    GeminiState s;
    s.session_id = bag.get("session");
    s.first_session_id = bag.get("first_session");
    s.last_response_id = bag.get("last_response");
    s.last_response_tokens = bag.get("last_tokens");
    s.first_ts = bag.get_int("first_ts");
    s.last_ts = bag.get_int("last_ts");
    s.header_first_ts = bag.get_int("header_first_ts");
    s.header_last_ts = bag.get_int("header_last_ts");
    s.user_prompts = bag.get_int("user_prompts");
    s.first_prompt = bag.get("first_prompt");
    s.errors = bag.get_int("errors");
    s.last_tools_id = bag.get("last_tools");
    return s;
  }

  void set_session(std::string id) {
    if (id.empty()) {
      return;
    }
    if (first_session_id.empty()) {
      first_session_id = id;
    }
    session_id = std::move(id);
  }
};

// Maps a chat file's `<project>` directory back to the cwd through ~/.gemini/projects.json.
// Returns the directory name when the file is not in the usual layout or the name is not
// registered (older versions used a hash directory).
std::string project_for(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path chats = fs::path(path).parent_path();
  const fs::path project_dir = chats.parent_path();
  const fs::path tmp = project_dir.parent_path();
  std::string name = project_dir.filename().string();
  if (chats.filename() != "chats" || tmp.filename() != "tmp") {
    return name;
  }
  simdjson::padded_string json;
  if (simdjson::padded_string::load((tmp.parent_path() / "projects.json").string()).get(json) !=
      simdjson::SUCCESS) {
    return name;
  }
  simdjson::ondemand::parser parser;
  document doc;
  object root;
  object projects;
  // Walked first like a log line: a damaged projects.json must not break the reads below.
  if (!open_line_object(parser, doc, std::string_view(json.data(), json.size()), root).empty() ||
      root.find_field_unordered("projects").get_object().get(projects) != simdjson::SUCCESS) {
    return name;
  }
  for (auto item : projects) {
    field f;
    std::string_view cwd;
    std::string_view short_name;
    if (std::move(item).get(f) != simdjson::SUCCESS ||
        f.unescaped_key().get(cwd) != simdjson::SUCCESS) {
      break;
    }
    if (f.value().get_string().get(short_name) == simdjson::SUCCESS && short_name == name) {
      return std::string(cwd);
    }
  }
  return name;
}

class GeminiParser final : public FileParser {
 public:
  GeminiParser(SourceFile file, std::string project)
      : file_(std::move(file)), project_(std::move(project)) {}

  Status restore_state(std::string_view state) override {
    Result<StateBag> bag = StateBag::parse(state);
    if (!bag) {
      return Unexpected{bag.error()};
    }
    if (bag->get("v") != kStateVersion) {
      return fail(Errc::parse, "gemini parser state of another version");
    }
    state_ = GeminiState::from_bag(*bag);
    return state_.tools.restore(*bag);
  }

  std::string save_state() const override { return state_.to_bag().serialize(); }

  bool wants(std::string_view line) const override {
    if (file_.whole_document) {
      return true;
    }
    // `{"$set": ...}` patches matter only when they rename the session; `$set.messages`
    // history replays are the biggest lines of a chat and are never counted.
    const size_t start = line.find_first_not_of(" \t\r{");
    if (start != std::string_view::npos && line.substr(start).starts_with("\"$set\"")) {
      return line.find("\"sessionId\"") != std::string_view::npos;
    }
    return true;
  }

  void on_line(const Line& line, ParseOutput& out) override;
  void finish(ParseOutput& out) override;

  std::vector<std::string_view> needles() const override { return {"\"tokens\""}; }

 private:
  bool open_object(const Line& line, object& root, ParseOutput& out);
  // Handles one well-formed line.
  void on_object(object root, const Line& line, ParseOutput& out);
  void problem(const Line& line, std::string what, ParseOutput& out) const {
    out.problems.push_back(ParseProblem{file_.path, line.number, line.offset, std::move(what)});
  }
  void on_header(object root);
  void read_shell_call(object call, TimeMs ts);
  void on_document(object root, const Line& line, ParseOutput& out);
  // Handles one message; `seen` (whole documents only) holds the response ids already counted.
  void on_message(object msg, std::string_view type, const Line& line, std::string fallback_id,
                  std::set<std::string>* seen, ParseOutput& out);

  SourceFile file_;
  std::string project_;
  GeminiState state_;
  simdjson::ondemand::parser parser_;  // only when the scanner lends none (tests)
  document doc_;
};

// Parses `line` as one JSON object. On Demand validates lazily, so the document is first skipped
// structurally: a truncated line fails here instead of yielding half a record.
bool GeminiParser::open_object(const Line& line, object& root, ParseOutput& out) {
  const std::string why =
      open_line_object(line.json != nullptr ? *line.json : parser_, doc_, line.text, root);
  if (!why.empty()) {
    problem(line, why, out);
    return false;
  }
  return true;
}

void GeminiParser::on_line(const Line& line, ParseOutput& out) {
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

void GeminiParser::on_object(object root, const Line& line, ParseOutput& out) {
  if (file_.whole_document) {
    on_document(root, line, out);
    return;
  }
  std::string_view type_view;
  if (root.find_field_unordered("type").get_string().get(type_view) == simdjson::SUCCESS) {
    const std::string type(type_view);
    on_message(root, type, line, fmt::format("line:{}", line.number), nullptr, out);
    return;
  }
  if (std::optional<object> patch = object_field(root, "$set")) {
    state_.set_session(str_field(*patch, "sessionId"));
    return;
  }
  on_header(root);
}

void GeminiParser::on_header(object root) {
  state_.set_session(str_field(root, "sessionId"));
  fold_time(parse_iso8601(str_field(root, "startTime")).value_or(0), state_.header_first_ts,
            state_.header_last_ts);
  fold_time(parse_iso8601(str_field(root, "lastUpdated")).value_or(0), state_.header_first_ts,
            state_.header_last_ts);
}

// A run_shell_command call that succeeded (issue 18): its command and what it printed as
// the user saw it (`resultDisplay`; the model's copy in `result` wraps each line in context
// tags, so git's headers are no longer at a line's start). It ran in `args.dir_path`
// (`directory` in older versions), relative to the project root, else in the root. The
// root is known only when projects.json names it (project_ is then absolute).
void GeminiParser::read_shell_call(object call, TimeMs ts) {
  // In the order the CLI writes them: args, result, status, timestamp, resultDisplay.
  std::string command;
  std::string dir;
  if (std::optional<object> args = object_field(call, "args")) {
    command = str_field(*args, "command");
    dir = str_field(*args, "dir_path");
    if (dir.empty()) {
      dir = str_field(*args, "directory");
    }
  }
  if (command.empty() || str_field(call, "status") != "success") {
    return;
  }
  const std::string display = str_field(call, "resultDisplay");
  const std::string root = project_.starts_with('/') ? project_ : std::string();
  std::string cwd = root;
  if (!dir.empty()) {
    cwd = dir.front() == '/' ? dir : root.empty() ? std::string() : root + "/" + dir;
  }
  state_.tools.shell_output(command, display, cwd, ts);
}

void GeminiParser::on_document(object root, const Line& line, ParseOutput& out) {
  // The document is the whole file: facts start over, so a re-read replaces rather than adds.
  state_ = GeminiState{};
  on_header(root);
  array messages;
  if (root.find_field_unordered("messages").get_array().get(messages) != simdjson::SUCCESS) {
    return;
  }
  std::set<std::string> seen;
  std::int64_t index = 0;
  for (auto element : messages) {
    object msg;
    std::string_view type;
    if (element.get_object().get(msg) != simdjson::SUCCESS) {
      problem(line, fmt::format("messages[{}] is not an object", index), out);
      ++index;
      continue;
    }
    if (msg.find_field_unordered("type").get_string().get(type) == simdjson::SUCCESS) {
      on_message(msg, std::string(type), line, fmt::format("msg:{}", index), &seen, out);
    }
    ++index;
  }
}

void GeminiParser::on_message(object msg, std::string_view type, const Line& line,
                              std::string fallback_id, std::set<std::string>* seen,
                              ParseOutput& out) {
  const std::optional<TimeMs> parsed_ts = parse_iso8601(str_field(msg, "timestamp"));
  const TimeMs ts = parsed_ts.value_or(state_.last_ts);
  if (parsed_ts) {
    fold_time(*parsed_ts, state_.first_ts, state_.last_ts);
  }
  if (type == "user") {
    std::string typed;
    if (is_typed_prompt(msg, typed)) {
      ++state_.user_prompts;
      if (state_.first_prompt.empty()) {
        state_.first_prompt = prompt_title(typed);
      }
    }
    return;
  }
  if (type == "error") {
    ++state_.errors;
    return;
  }
  if (type != "gemini") {
    return;  // info, warning, ...
  }
  std::optional<object> tokens_obj = object_field(msg, "tokens");
  if (!tokens_obj) {
    return;  // no usage recorded for this response
  }
  GeminiTokens tokens;
  if (std::string why = read_tokens(*tokens_obj, tokens); !why.empty()) {
    problem(line, fmt::format("gemini message with unusable tokens: {}", why), out);
    return;
  }
  std::string message_id = str_field(msg, "id");
  const std::string model = str_field(msg, "model");
  if (message_id.empty()) {
    message_id = std::move(fallback_id);
  }
  array calls;
  if (msg.find_field_unordered("toolCalls").get_array().get(calls) == simdjson::SUCCESS) {
    // The copy that adds toolCalls repeats the response's id: count its calls once. Git
    // marks are read from every copy (a call's result may come in a later one); a mark seen
    // again counts once.
    const bool count_calls = message_id != state_.last_tools_id;
    state_.last_tools_id = message_id;
    for (auto element : calls) {
      object call;
      if (element.get_object().get(call) != simdjson::SUCCESS) {
        continue;
      }
      const std::string name = str_field(call, "name");
      const ToolKind kind = tool_kind(name);
      if (count_calls) {
        state_.tools.tool_call(name);
      }
      if (kind == ToolKind::edit && count_calls) {
        if (std::optional<object> args = object_field(call, "args")) {
          state_.tools.file_touched(str_field(*args, "file_path"));
        }
      } else if (kind == ToolKind::shell) {
        read_shell_call(call, ts);
      }
    }
  }
  if (seen != nullptr) {
    if (!seen->insert(message_id).second) {
      return;
    }
  } else {
    const std::string signature = tokens.serialize();
    const bool repeat =
        message_id == state_.last_response_id && signature == state_.last_response_tokens;
    state_.last_response_id = message_id;
    state_.last_response_tokens = signature;
    if (repeat) {
      return;
    }
  }
  state_.tools.response();
  UsageRecord r;
  r.id = fmt::format("gemini:{}:{}", state_.session_id, message_id);
  r.agent = Agent::gemini;
  r.kind = RecordKind::response;
  r.ts = ts;
  r.session_id = state_.session_id;
  r.project = project_;
  r.model = model;
  r.request_id = message_id;
  r.tokens = tokens.normalised();
  r.source_file = file_.path;
  r.source_offset = line.offset;
  r.source_line = line.number;
  if (r.model.empty()) {
    problem(line, "model unknown: gemini message without a model (not guessed)", out);
  }
  out.records.push_back(std::move(r));
}

void GeminiParser::finish(ParseOutput& out) {
  const std::string& session =
      state_.first_session_id.empty() ? state_.session_id : state_.first_session_id;
  if (session.empty()) {
    return;
  }
  SessionFacts facts;
  facts.agent = Agent::gemini;
  facts.session_id = session;
  facts.file_key = file_.file_key.empty() ? base_name(file_.path) : file_.file_key;
  facts.project = project_;
  const bool has_messages = state_.first_ts != 0;
  facts.first_ts = has_messages ? state_.first_ts : state_.header_first_ts;
  facts.last_ts = has_messages ? state_.last_ts : state_.header_last_ts;
  facts.user_prompts = state_.user_prompts;
  facts.title = state_.first_prompt;  // Gemini CLI records no title of its own
  facts.errors = state_.errors;
  state_.tools.fill(facts);
  out.sessions.push_back(std::move(facts));
}

// The directory holding `.gemini`: $GEMINI_CLI_HOME, else $HOME; "" when neither is known.
std::string gemini_base(const DiscoveryEnv& env) {
  return env.gemini_cli_home.empty() ? env.home : env.gemini_cli_home;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class GeminiAdapter final : public Adapter {
 public:
  Agent agent() const override { return Agent::gemini; }

  std::vector<std::string> roots(const DiscoveryEnv& env) const override {
    const std::string base = gemini_base(env);
    if (base.empty()) {
      return {};
    }
    return {base + "/.gemini/tmp"};
  }

  void discover(const DiscoveryEnv& env, std::vector<SourceFile>& out) const override {
    for (const std::string& root : roots(env)) {
      walk_files(
          root, kMaxDepth, {".jsonl", ".json"}, [&](const std::string& path, const FileStat& st) {
            namespace fs = std::filesystem;
            const fs::path p(path);
            const std::string name = p.filename().string();
            // tmp/ also holds logs, checkpoints and shell history: only chats/session-* are chats.
            if (!name.starts_with("session-") || p.parent_path().filename() != "chats") {
              return;
            }
            out.push_back(SourceFile{Agent::gemini, path, name, ends_with(name, ".json"), st});
          });
    }
  }

  SourceFile file_at(const std::string& path) const override {
    std::string name = base_name(path);
    const bool document = ends_with(name, ".json");  // older chats are one JSON document
    return SourceFile{Agent::gemini, path, std::move(name), document, std::nullopt};
  }

  std::unique_ptr<FileParser> open(const SourceFile& file) const override {
    return std::make_unique<GeminiParser>(file, project_for(file.path));
  }
};

}  // namespace

std::unique_ptr<Adapter> make_gemini_adapter() { return std::make_unique<GeminiAdapter>(); }

}  // namespace tally::sources
