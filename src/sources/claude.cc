// Claude Code adapter.
//
// Claude Code writes one JSONL file per session under <root>/projects/<cwd-slug>/<sid>.jsonl
// (`--resume`, `--continue` and `/compact` append to it) and one per sub-agent under
// <sid>/subagents/agent-<aid>.jsonl, whose lines carry the parent's sessionId. The quirks
// that make counting hard, and what this file does about each (agent-logs.md §2):
//
// * One line per content block. A reply with thinking + text + tool_use is written as
//   several `assistant` lines sharing message.id and requestId, each repeating the full
//   usage. Every line becomes a record with id "claude:<message.id>:<requestId>"; the
//   ledger keeps one per id, preferring a main-chain copy, then the largest total (older
//   versions wrote streaming snapshots with partial output_tokens).
// * Calls that never get an assistant line: /compact summarisation and the session title.
//   They are only in `cost-state`, the session's cumulative per-model counter (sub-agents
//   included), rewritten after every turn, with no timestamp. Each cost-state becomes one
//   CumulativeSnapshot per model, timestamped at the nearest earlier line; the ledger turns
//   "snapshot minus logged records" into `unlogged` records (store/reconcile).
// * Hard API failures write an assistant line with isApiErrorMessage and model
//   "<synthetic>" and zero usage: an error for the session, not a response.
// * Sub-agent records get session id "<sid>/agent-<aid>" with the parent as
//   parent_session_id, so session views can show a sub-agent's own cost while root-session
//   roll-ups and the reconciliation still see the whole tree.
//
// Only the first bytes of a line decide whether it is skipped unparsed (wants()): the
// kinds below never carry usage and hold most of the bytes.

#include "sources/claude.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "core/time.h"
#include "sources/claude_content.h"
#include "sources/fs_walk.h"
#include "sources/json_fields.h"
#include "sources/json_head.h"
#include "sources/session_tools.h"
#include "sources/state_bag.h"

namespace tally::sources {
namespace {

using simdjson::SUCCESS;
using simdjson::ondemand::array;
using simdjson::ondemand::json_type;

constexpr std::array<std::string_view, 10> kSkippedKinds = {
    "api-request",           "api-request-shape", "api-request-blob", "queue-operation",
    "file-history-snapshot", "last-prompt",       "tools-used",       "mode",
    "permission-mode",       "atis-latch"};

// The usage object of an assistant message, normalised (agent-logs.md §1).
struct ClaudeUsage {
  TokenCounts tokens;
  std::string speed;
  std::string service_tier;
  std::string inference_geo;
  std::int64_t web_search_requests = 0;
};

// Reads `v` as the count named `key` into `out`; on a bad value keeps the first complaint in
// `bad` (the line is then reported and not used).
void count(value v, std::string_view key, std::int64_t& out, std::string& bad) {
  std::string why = read_count(v, out);
  if (!why.empty() && bad.empty()) {
    bad = fmt::format("{} is {}", key, why);
  }
}

// The same for a reported cost.
void cost(value v, std::string_view key, std::optional<double>& out, std::string& bad) {
  std::string why = read_cost(v, out);
  if (!why.empty() && bad.empty()) {
    bad = fmt::format("{} is {}", key, why);
  }
}

// Reads the counts of a nested object (`cache_creation`, `server_tool_use`, ...) in one pass.
// `slots` pairs each wanted key with where it goes.
simdjson::error_code read_counts(value v, std::initializer_list<std::pair<std::string_view,
                                 std::int64_t*>> slots, std::string& bad) {
  object o;
  if (v.get_object().get(o) != SUCCESS) {
    return SUCCESS;  // another type: not this version's field
  }
  for (auto field_result : o) {
    simdjson::ondemand::field field;
    if (auto err = std::move(field_result).get(field); err != SUCCESS) {
      return err;
    }
    std::string_view key;
    if (auto err = field.unescaped_key().get(key); err != SUCCESS) {
      return err;
    }
    for (const auto& [name, slot] : slots) {
      if (key == name) {
        count(field.value(), key, *slot, bad);
        break;
      }
    }
  }
  return SUCCESS;
}

simdjson::error_code read_usage(object usage, ClaudeUsage& out, std::string& bad) {
  std::int64_t creation_total = -1;
  std::int64_t creation_5m = 0;
  std::int64_t creation_1h = 0;
  for (auto field_result : usage) {
    simdjson::ondemand::field field;
    if (auto err = std::move(field_result).get(field); err != SUCCESS) {
      return err;
    }
    std::string_view key;
    if (auto err = field.unescaped_key().get(key); err != SUCCESS) {
      return err;
    }
    value v = field.value();
    simdjson::error_code err = SUCCESS;
    if (key == "input_tokens") {
      count(v, key, out.tokens.input, bad);
    } else if (key == "cache_read_input_tokens") {
      count(v, key, out.tokens.cache_read, bad);
    } else if (key == "cache_creation_input_tokens") {
      count(v, key, creation_total, bad);
    } else if (key == "output_tokens") {
      count(v, key, out.tokens.output, bad);
    } else if (key == "cache_creation") {
      err = read_counts(v,
                        {{"ephemeral_5m_input_tokens", &creation_5m},
                         {"ephemeral_1h_input_tokens", &creation_1h}},
                        bad);
    } else if (key == "output_tokens_details") {
      err = read_counts(v, {{"thinking_tokens", &out.tokens.reasoning}}, bad);
    } else if (key == "server_tool_use") {
      err = read_counts(v, {{"web_search_requests", &out.web_search_requests}}, bad);
    } else if (key == "speed") {
      std::string_view s;
      if (v.get_string().get(s) == SUCCESS) {
        out.speed = std::string(s);
      }
    } else if (key == "service_tier") {
      std::string_view s;
      if (v.get_string().get(s) == SUCCESS) {
        out.service_tier = std::string(s);
      }
    } else if (key == "inference_geo") {
      std::string_view s;
      if (v.get_string().get(s) == SUCCESS) {
        out.inference_geo = std::string(s);
      }
    }
    if (err != SUCCESS) {
      return err;
    }
  }
  // Older versions have only the total; some proxies only the TTL split.
  out.tokens.cache_write = creation_total >= 0 ? creation_total : creation_5m + creation_1h;
  out.tokens.cache_write_1h = std::min(creation_1h, out.tokens.cache_write);
  return SUCCESS;
}

// Copies a string value into `out`; leaves `out` as it was when the value is not a string.
void copy_string(value v, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s) == SUCCESS) {
    out = std::string(s);
  }
}

// Everything this adapter reads from one line, gathered in a single pass over its fields
// (the field order differs by entry kind and CLI version).
struct ClaudeLine {
  std::string type;
  std::string subtype;
  std::string timestamp;
  std::string session_id;
  std::string agent_id;
  std::string cwd;
  std::string request_id;
  std::string effort;
  std::string ai_title;
  ClaudeGitResult git;  // toolUseResult (issue 18)
  std::string pr_link;  // a pr-link line's prUrl
  bool is_sidechain = false;
  bool is_api_error = false;
  bool is_meta = false;
  bool is_compact_summary = false;
  std::optional<double> cost_usd;
  // message.*
  std::string message_id;
  std::string model;
  bool has_usage = false;
  ClaudeUsage usage;
  UserContent user_content = UserContent::none;
  std::string user_text;           // a typed prompt's text (the start of it)
  std::vector<ToolUse> tool_uses;  // assistant content
  std::int64_t pre_tokens = 0;     // compact_boundary: compactMetadata.preTokens
  // cost-state
  std::vector<CumulativeSnapshot> model_usage;
  std::int64_t lines_added = -1;
  std::int64_t lines_removed = -1;
  // The first count that is no count (negative, over 2^53, not an integer): the line is
  // reported with it and not used.
  std::string bad_count;
};

simdjson::error_code read_message(object message, ClaudeLine& line) {
  bool assistant = false;
  for (auto field_result : message) {
    simdjson::ondemand::field field;
    if (auto err = std::move(field_result).get(field); err != SUCCESS) {
      return err;
    }
    std::string_view key;
    if (auto err = field.unescaped_key().get(key); err != SUCCESS) {
      return err;
    }
    value v = field.value();
    std::string_view s;
    if (key == "id") {
      copy_string(v, line.message_id);
    } else if (key == "model") {
      copy_string(v, line.model);
    } else if (key == "usage") {
      object usage;
      if (v.get_object().get(usage) == SUCCESS) {
        if (auto err = read_usage(usage, line.usage, line.bad_count); err != SUCCESS) {
          return err;
        }
        line.has_usage = true;
      }
    } else if (key == "role") {
      if (v.get_string().get(s) == SUCCESS) {
        assistant = s == "assistant";
      }
    } else if (key == "content" && assistant) {
      // Only tool_use blocks matter in a reply; their inputs are skipped but for the path.
      if (auto err = read_tool_uses(v, line.tool_uses); err != SUCCESS) {
        return err;
      }
    } else if (key == "content") {
      if (auto err = read_user_content(v, line.user_content, line.user_text); err != SUCCESS) {
        return err;
      }
    }
  }
  return SUCCESS;
}

simdjson::error_code read_model_usage(object models, ClaudeLine& line) {
  for (auto field_result : models) {
    simdjson::ondemand::field field;
    if (auto err = std::move(field_result).get(field); err != SUCCESS) {
      return err;
    }
    std::string_view model;
    if (auto err = field.unescaped_key().get(model); err != SUCCESS) {
      return err;
    }
    CumulativeSnapshot snap;
    snap.agent = Agent::claude;
    snap.model = std::string(model);
    object o;
    if (auto err = field.value().get_object().get(o); err != SUCCESS) {
      return err;
    }
    std::int64_t creation_5m = -1;
    for (auto inner_result : o) {
      simdjson::ondemand::field inner;
      if (auto err = std::move(inner_result).get(inner); err != SUCCESS) {
        return err;
      }
      std::string_view key;
      if (auto err = inner.unescaped_key().get(key); err != SUCCESS) {
        return err;
      }
      value v = inner.value();
      std::string& bad = line.bad_count;
      if (key == "inputTokens") {
        count(v, key, snap.tokens.input, bad);
      } else if (key == "outputTokens") {
        count(v, key, snap.tokens.output, bad);
      } else if (key == "thinkingTokens") {
        count(v, key, snap.tokens.reasoning, bad);
      } else if (key == "cacheReadInputTokens") {
        count(v, key, snap.tokens.cache_read, bad);
      } else if (key == "cacheCreationInputTokens") {
        count(v, key, snap.tokens.cache_write, bad);
      } else if (key == "cacheCreationEphemeral5mInputTokens") {
        count(v, key, creation_5m, bad);
      } else if (key == "cacheCreationEphemeral1hInputTokens") {
        count(v, key, snap.tokens.cache_write_1h, bad);
      } else if (key == "webSearchRequests") {
        count(v, key, snap.web_search_requests, bad);
      } else if (key == "costUSD") {
        cost(v, key, snap.cost_usd, bad);
      }
    }
    if (snap.tokens.cache_write == 0 && creation_5m > 0) {
      snap.tokens.cache_write = creation_5m + snap.tokens.cache_write_1h;
    }
    snap.tokens.cache_write_1h = std::min(snap.tokens.cache_write_1h, snap.tokens.cache_write);
    line.model_usage.push_back(std::move(snap));
  }
  return SUCCESS;
}

simdjson::error_code read_line(object obj, ClaudeLine& line) {
  for (auto field_result : obj) {
    simdjson::ondemand::field field;
    if (auto err = std::move(field_result).get(field); err != SUCCESS) {
      return err;
    }
    std::string_view key;
    if (auto err = field.unescaped_key().get(key); err != SUCCESS) {
      return err;
    }
    value v = field.value();
    std::string_view s;
    bool b = false;
    if (key == "type") {
      copy_string(v, line.type);
    } else if (key == "subtype") {
      copy_string(v, line.subtype);
    } else if (key == "timestamp") {
      copy_string(v, line.timestamp);
    } else if (key == "sessionId") {
      copy_string(v, line.session_id);
    } else if (key == "agentId") {
      copy_string(v, line.agent_id);
    } else if (key == "cwd") {
      copy_string(v, line.cwd);
    } else if (key == "requestId") {
      copy_string(v, line.request_id);
    } else if (key == "effort") {
      copy_string(v, line.effort);
    } else if (key == "aiTitle") {
      copy_string(v, line.ai_title);
    } else if (key == "toolUseResult") {
      if (auto err = read_git_result(v, line.git); err != SUCCESS) {
        return err;
      }
    } else if (key == "prUrl") {
      copy_string(v, line.pr_link);
    } else if (key == "isSidechain") {
      if (v.get_bool().get(b) == SUCCESS) {
        line.is_sidechain = b;
      }
    } else if (key == "isApiErrorMessage") {
      if (v.get_bool().get(b) == SUCCESS) {
        line.is_api_error = b;
      }
    } else if (key == "isMeta") {
      if (v.get_bool().get(b) == SUCCESS) {
        line.is_meta = b;
      }
    } else if (key == "isCompactSummary") {
      if (v.get_bool().get(b) == SUCCESS) {
        line.is_compact_summary = b;
      }
    } else if (key == "costUSD") {
      cost(v, key, line.cost_usd, line.bad_count);
    } else if (key == "message") {
      object message;
      if (v.get_object().get(message) == SUCCESS) {
        if (auto err = read_message(message, line); err != SUCCESS) {
          return err;
        }
      }
    } else if (key == "modelUsage") {
      object models;
      if (v.get_object().get(models) == SUCCESS) {
        if (auto err = read_model_usage(models, line); err != SUCCESS) {
          return err;
        }
      }
    } else if (key == "compactMetadata") {
      if (auto err = read_counts(v, {{"preTokens", &line.pre_tokens}}, line.bad_count);
          err != SUCCESS) {
        return err;
      }
    } else if (key == "totalLinesAdded") {
      count(v, key, line.lines_added, line.bad_count);
    } else if (key == "totalLinesRemoved") {
      count(v, key, line.lines_removed, line.bad_count);
    }
  }
  return SUCCESS;
}

// "-home-me-app" (the project directory's slug) for files without any cwd.
std::string project_from_path(const std::string& path) {
  const size_t projects = path.rfind("/projects/");
  if (projects == std::string::npos) {
    return {};
  }
  const size_t start = projects + std::strlen("/projects/");
  const size_t end = path.find('/', start);
  return path.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class ClaudeParser final : public FileParser {
 public:
  explicit ClaudeParser(const SourceFile& file)
      : path_(file.path),
        file_key_(file.file_key),
        fallback_project_(project_from_path(file.path)) {}

  Status restore_state(std::string_view state) override {
    auto bag = StateBag::parse(state);
    if (!bag) {
      return Unexpected{bag.error()};
    }
    // Version 2 added the anatomy facts, 3 the git marks: an older state re-reads the file
    // from its start.
    if (bag->get("v") != "3") {
      return fail(Errc::parse, "unknown claude parser state version");
    }
    last_ts_ = bag->get_int("last_ts");
    facts_.session_id = bag->get("session");
    facts_.parent_session_id = bag->get("parent");
    facts_.project = bag->get("project");
    facts_.title = bag->get("title");
    first_prompt_ = bag->get("first_prompt");
    facts_.first_ts = bag->get_int("first_ts");
    facts_.last_ts = bag->get_int("facts_last_ts");
    facts_.user_prompts = bag->get_int("prompts");
    facts_.errors = bag->get_int("errors");
    facts_.lines_added = bag->get_int("lines_added");
    facts_.lines_removed = bag->get_int("lines_removed");
    last_response_id_ = bag->get("last_response");
    last_tool_id_ = bag->get("last_tool");
    return tools_.restore(*bag);
  }

  std::string save_state() const override {
    StateBag bag;
    bag.set("v", "3");
    bag.set_int("last_ts", last_ts_);
    bag.set("session", facts_.session_id);
    bag.set("parent", facts_.parent_session_id);
    bag.set("project", facts_.project);
    bag.set("title", facts_.title);
    bag.set("first_prompt", first_prompt_);
    bag.set_int("first_ts", facts_.first_ts);
    bag.set_int("facts_last_ts", facts_.last_ts);
    bag.set_int("prompts", facts_.user_prompts);
    bag.set_int("errors", facts_.errors);
    bag.set_int("lines_added", facts_.lines_added);
    bag.set_int("lines_removed", facts_.lines_removed);
    bag.set("last_response", last_response_id_);
    bag.set("last_tool", last_tool_id_);
    tools_.save(bag);
    return bag.serialize();
  }

  bool wants(std::string_view text) const override {
    // Only compact lines whose head names their kind are skipped; anything else (pretty
    // printed JSON, unknown order) is parsed.
    // Attachment entries (prompt and skill snapshots, ~80% of a session's bytes) open with
    // parentUuid and isSidechain and then their top-level "attachment" object; they never
    // carry usage. The other skipped kinds name themselves first: {"type":"queue-operation",...
    // A line that names another kind before its "attachment" member is parsed: only
    // attachment entries are known to carry nothing.
    JsonHead head(text, 512);
    JsonHead::Member m;
    std::string_view kind;
    for (bool first = true; head.next(m); first = false) {
      if (m.key == "attachment") {
        return !kind.empty() && kind != "attachment";
      }
      if (m.key == "type" && m.kind == JsonHead::Kind::string) {
        if (first &&
            std::find(kSkippedKinds.begin(), kSkippedKinds.end(), m.value) != kSkippedKinds.end()) {
          return false;
        }
        kind = m.value;
      }
    }
    return true;
  }

  std::vector<std::string_view> needles() const override {
    return {"\"usage\"", "modelUsage", "\"costUSD\""};
  }

  void on_line(const Line& line, ParseOutput& out) override {
    ClaudeLine parsed;
    object obj;
    std::string why =
        open_line_object(line.json != nullptr ? *line.json : parser_, doc_, line.text, obj);
    if (why.empty()) {
      if (auto err = read_line(obj, parsed); err != SUCCESS) {
        why = fmt::format("malformed JSON: {}", simdjson::error_message(err));
      } else if (!doc_.is_alive()) {
        // open_line_object() walked the line, so no read should break the document; if one
        // does, nothing read from the line is trusted.
        why = "malformed JSON: the parser gave up mid-line";
      } else if (!parsed.bad_count.empty()) {
        why = fmt::format("unusable count: {}", parsed.bad_count);
      }
    }
    if (!why.empty()) {
      out.problems.push_back(ParseProblem{path_, line.number, line.offset, std::move(why)});
      return;
    }
    handle(parsed, line, out);
  }

  void finish(ParseOutput& out) override {
    // Snapshots written before any timestamped line take the first time seen after them;
    // with none at all, the file's last known time.
    for (size_t i = pending_from_; i < out.snapshots.size(); ++i) {
      if (out.snapshots[i].ts == 0) {
        out.snapshots[i].ts = last_ts_;
      }
    }
    if (!facts_.session_id.empty()) {
      SessionFacts facts = facts_;
      if (facts.title.empty()) {
        facts.title = first_prompt_;  // no ai-title (yet): the first typed prompt
      }
      facts.agent = Agent::claude;
      facts.file_key = file_key_;
      tools_.fill(facts);
      if (facts.project.empty()) {
        facts.project = fallback_project_;
      }
      out.sessions.push_back(std::move(facts));
    }
  }

 private:
  void handle(const ClaudeLine& l, const Line& line, ParseOutput& out) {
    // Attachment entries are skipped unparsed whenever they are compact (wants()); to give
    // the same answer either way, they never date anything, parsed or not.
    if (l.type == "attachment") {
      return;
    }
    std::optional<TimeMs> ts;
    if (!l.timestamp.empty()) {
      ts = parse_iso8601(l.timestamp);
      if (!ts) {
        out.problems.push_back(ParseProblem{path_, line.number, line.offset,
                                            fmt::format("unreadable timestamp '{}'", l.timestamp)});
      }
    }
    if (ts) {
      note_time(*ts, out);
    }
    if (!l.session_id.empty() && facts_.session_id.empty()) {
      set_session(l);
    }
    if (facts_.project.empty() && !l.cwd.empty()) {
      facts_.project = l.cwd;
    }

    add_git_marks(l.git, l.pr_link, ts.value_or(last_ts_), l.cwd, tools_);
    if (l.type == "assistant") {
      handle_assistant(l, line, ts, out);
    } else if (l.type == "user") {
      const bool typed = !l.is_sidechain && !l.is_meta && !l.is_compact_summary;
      if (typed && l.user_content == UserContent::typed_text) {
        ++facts_.user_prompts;
        if (first_prompt_.empty()) {
          first_prompt_ = prompt_title(l.user_text);
        }
      } else if (typed && l.user_content == UserContent::command) {
        tools_.command();
      }
    } else if (l.type == "system") {
      if (l.subtype == "compact_boundary") {
        tools_.compaction(l.pre_tokens);
      }
    } else if (l.type == "ai-title") {
      if (!l.ai_title.empty()) {
        facts_.title = l.ai_title;
      }
    } else if (l.type == "cost-state") {
      if (l.lines_added >= 0) {
        facts_.lines_added = l.lines_added;
      }
      if (l.lines_removed >= 0) {
        facts_.lines_removed = l.lines_removed;
      }
      const std::string session = l.session_id.empty() ? root_session() : l.session_id;
      for (const CumulativeSnapshot& m : l.model_usage) {
        CumulativeSnapshot snap = m;
        snap.session_id = session;
        snap.ts = last_ts_;  // 0 until a timestamped line is seen; finish() fills it
        snap.source_file = path_;
        snap.source_offset = line.offset;
        if (snap.ts == 0 && pending_from_ > out.snapshots.size()) {
          pending_from_ = out.snapshots.size();
        }
        out.snapshots.push_back(std::move(snap));
      }
    }
  }

  void handle_assistant(const ClaudeLine& l, const Line& line, std::optional<TimeMs> ts,
                        ParseOutput& out) {
    if (l.is_api_error || l.model == "<synthetic>") {
      // Only a failed request is an error; Claude Code also writes <synthetic> lines that are
      // no API call at all ("No response requested.", interruptions). Neither is a response.
      if (l.is_api_error) {
        ++facts_.errors;
      }
      return;
    }
    // One line per content block: a tool_use is written once, but older versions repeated
    // streaming snapshots, so a block directly repeating the previous one is not counted.
    for (const ToolUse& use : l.tool_uses) {
      if (!use.id.empty() && use.id == last_tool_id_) {
        continue;
      }
      last_tool_id_ = use.id;
      tools_.tool_call(use.name);
      if (tool_kind(use.name) == ToolKind::edit) {
        tools_.file_touched(use.path);
      }
    }
    if (!l.has_usage) {
      return;
    }
    if (l.message_id != last_response_id_) {
      last_response_id_ = l.message_id;  // the blocks of one reply are consecutive lines
      tools_.response();
    }
    if (l.message_id.empty() && l.request_id.empty()) {
      out.problems.push_back(ParseProblem{path_, line.number, line.offset,
                                          "assistant line with usage but no message id"});
      return;
    }
    UsageRecord r;
    r.id = l.request_id.empty() ? fmt::format("claude:{}", l.message_id)
                                : fmt::format("claude:{}:{}", l.message_id, l.request_id);
    r.agent = Agent::claude;
    r.kind = RecordKind::response;
    r.ts = ts.value_or(last_ts_);
    r.session_id = record_session(l);
    r.parent_session_id = l.agent_id.empty() ? std::string() : l.session_id;
    r.project =
        l.cwd.empty() ? (facts_.project.empty() ? fallback_project_ : facts_.project) : l.cwd;
    r.model = l.model;
    r.effort = l.effort;
    r.speed = l.usage.speed;
    r.service_tier = l.usage.service_tier;
    r.inference_geo = l.usage.inference_geo;
    r.request_id = l.request_id;
    r.tokens = l.usage.tokens;
    r.web_search_requests = l.usage.web_search_requests;
    r.reported_cost_usd = l.cost_usd;
    r.sidechain = l.is_sidechain;
    r.source_file = path_;
    r.source_offset = line.offset;
    r.source_line = line.number;
    out.records.push_back(std::move(r));
  }

  void note_time(TimeMs ts, ParseOutput& out) {
    if (last_ts_ == 0) {
      // The first timestamp of the file also dates snapshots that came before it.
      for (size_t i = pending_from_; i < out.snapshots.size(); ++i) {
        if (out.snapshots[i].ts == 0) {
          out.snapshots[i].ts = ts;
        }
      }
      pending_from_ = SIZE_MAX;
    }
    last_ts_ = ts;
    if (facts_.first_ts == 0 || ts < facts_.first_ts) {
      facts_.first_ts = ts;
    }
    if (ts > facts_.last_ts) {
      facts_.last_ts = ts;
    }
  }

  void set_session(const ClaudeLine& l) {
    if (l.agent_id.empty()) {
      facts_.session_id = l.session_id;
    } else {
      facts_.session_id = fmt::format("{}/agent-{}", l.session_id, l.agent_id);
      facts_.parent_session_id = l.session_id;
    }
  }

  std::string record_session(const ClaudeLine& l) const {
    if (!l.agent_id.empty() && !l.session_id.empty()) {
      return fmt::format("{}/agent-{}", l.session_id, l.agent_id);
    }
    return l.session_id.empty() ? facts_.session_id : l.session_id;
  }

  std::string root_session() const {
    return facts_.parent_session_id.empty() ? facts_.session_id : facts_.parent_session_id;
  }

  std::string path_;
  std::string file_key_;
  std::string fallback_project_;
  simdjson::ondemand::parser parser_;  // only when the scanner lends none (tests)
  simdjson::ondemand::document doc_;
  TimeMs last_ts_ = 0;
  size_t pending_from_ = SIZE_MAX;
  SessionFacts facts_;
  std::string first_prompt_;  // prompt_title() of the first typed prompt
  ToolFacts tools_;
  std::string last_response_id_;
  std::string last_tool_id_;
};

class ClaudeAdapter final : public Adapter {
 public:
  Agent agent() const override { return Agent::claude; }

  std::vector<std::string> roots(const DiscoveryEnv& env) const override {
    std::vector<std::string> out;
    if (!env.claude_config_dir.empty()) {
      std::string_view list = env.claude_config_dir;
      while (!list.empty()) {
        const size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        while (!item.empty() && item.front() == ' ') {
          item.remove_prefix(1);
        }
        while (!item.empty() && (item.back() == ' ' || item.back() == '/')) {
          item.remove_suffix(1);
        }
        if (!item.empty()) {
          out.push_back(std::string(item) + "/projects");
        }
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      }
      return out;
    }
    if (!env.home.empty()) {
      out.push_back(env.home + "/.claude/projects");
      out.push_back(env.home + "/.config/claude/projects");
    }
    return out;
  }

  void discover(const DiscoveryEnv& env, std::vector<SourceFile>& out) const override {
    for (const std::string& root : roots(env)) {
      // projects/<slug>/<sid>.jsonl and projects/<slug>/<sid>/subagents/agent-<aid>.jsonl
      walk_files(root, 4, {".jsonl"}, [&](const std::string& path, const FileStat& st) {
        out.push_back(SourceFile{Agent::claude, path, base_name(path), false, st});
      });
    }
  }

  std::unique_ptr<FileParser> open(const SourceFile& file) const override {
    return std::make_unique<ClaudeParser>(file);
  }
};

}  // namespace

std::unique_ptr<Adapter> make_claude_adapter() { return std::make_unique<ClaudeAdapter>(); }

}  // namespace tally::sources
