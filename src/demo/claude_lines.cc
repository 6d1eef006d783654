// The JSON shape of each Claude Code line kind, copied from the 2.1.330 transcripts in
// tests/data/real-logs (key order included). Text fields are filler; ids, usage and the
// fields readers key on are exact.

#include <algorithm>

#include "demo/claude_transcript.h"

namespace tally::corpus::claude {

void Transcript::queue_op(bool enqueue, std::string_view content) {
  begin();
  fmt::format_to(std::back_inserter(b()), "{{\"type\":\"queue-operation\",\"operation\":\"{}\"",
                 enqueue ? "enqueue" : "dequeue");
  ts();
  fmt::format_to(std::back_inserter(b()), ",\"sessionId\":\"{}\"", s_.session_id);
  if (enqueue) {
    fmt::format_to(std::back_inserter(b()), ",\"content\":\"{}\"", content);
  }
  b().push_back('}');
  end(false);
}

void Transcript::simple(std::string_view fields) {
  begin();
  fmt::format_to(std::back_inserter(b()), "{{{},\"sessionId\":\"{}\"}}", fields, s_.session_id);
  end(false);
}

std::string Transcript::user_prompt(size_t text_bytes) {
  const std::string uuid = uuid4(rng_);
  begin();
  head();
  fmt::format_to(std::back_inserter(b()),
                 "\"promptId\":\"{}\",\"type\":\"user\",\"message\":{{\"role\":\"user\","
                 "\"content\":\"",
                 uuid4(rng_));
  if (!task_.empty() && !sidechain_ && s_.turn == 0) {
    b().append(task_);  // the session's first prompt says what it is for
  } else {
    filler(text_bytes);
  }
  fmt::format_to(std::back_inserter(b()), "\"}},\"uuid\":\"{}\"", uuid);
  ts();
  if (!sidechain_) {
    fmt::format_to(std::back_inserter(b()),
                   ",\"permissionMode\":\"default\",\"promptSource\":\"user\","
                   "\"turnOrigin\":\"user\",\"turnPosition\":{{\"promptIndex\":0,"
                   "\"turnIndex\":{}}}",
                   s_.turn + 1);
  }
  tail();
  end(false);
  parent_ = uuid;
  return uuid;
}

void Transcript::attachment(std::string_view kind, size_t bulk) {
  const std::string uuid = uuid4(rng_);
  auto it = std::back_inserter(b());
  bool rendered = true;
  begin();
  head();
  fmt::format_to(it, "\"attachment\":{{\"type\":\"{}\"", kind);
  if (kind == "environment") {
    fmt::format_to(it,
                   ",\"snapshot\":{{\"workingDirectory\":\"{}\",\"isWorktree\":false,"
                   "\"isGitRepo\":true,\"additionalWorkingDirectories\":[],\"platform\":"
                   "\"linux\",\"shell\":\"bash\",\"osVersion\":\"Linux 6.8.0-48-generic\"}}",
                   s_.cwd);
  } else if (kind == "model") {
    fmt::format_to(it,
                   ",\"identity\":{{\"modelId\":\"{}\",\"knowledgeCutoff\":\"2026\"}},"
                   "\"text\":\"",
                   model_);
    filler(bulk / 2);
    b().push_back('"');
    bulk -= bulk / 2;
  } else if (kind == "deferred_tools_delta") {
    b().append(
        ",\"addedNames\":[\"CronCreate\",\"CronDelete\",\"EnterWorktree\",\"Monitor\","
        "\"NotebookEdit\",\"SendMessage\",\"WebFetch\",\"WebSearch\"],\"removedNames\":[],"
        "\"pendingMcpServers\":[],\"failedMcpServers\":[]");
  } else if (kind == "skill_listing") {
    b().append(",\"content\":\"");
    filler(bulk / 2);
    b().append(
        "\",\"skillCount\":6,\"isInitial\":true,\"names\":[\"code-review\",\"simplify\","
        "\"loop\",\"claude-api\",\"init\",\"security-review\"],\"digests\":[");
    for (int i = 0; i < 6; ++i) {
      fmt::format_to(it, "{}\"{}\"", i ? "," : "", hex_id(rng_, 16));
    }
    b().push_back(']');
    bulk -= bulk / 2;
  } else if (kind == "date") {
    fmt::format_to(it, ",\"date\":\"{}\"", date_dash(t_));
  } else if (kind == "session_context") {
    b().append(",\"context\":{}");
    rendered = false;
  } else if (kind == "file") {
    const uint64_t lines = bulk / 40 + 1;
    fmt::format_to(it,
                   ",\"filename\":\"{0}/src/module_{1}.cc\",\"content\":{{\"type\":\"text\","
                   "\"file\":{{\"filePath\":\"{0}/src/module_{1}.cc\",\"content\":\"",
                   s_.cwd, rng_.range(1, 99));
    filler(bulk);
    fmt::format_to(it, "\",\"numLines\":{0},\"startLine\":1,\"totalLines\":{0}}}}}", lines);
    bulk = 200;
  } else {
    // prompt_snapshot: the system prompt and tool descriptions, resent with every request.
    b().append(",\"systemPrompt\":[");
    const size_t parts = 4 + bulk / 20'000 % 8;
    for (size_t i = 0; i < parts; ++i) {
      b().append(i ? ",\"" : "\"");
      filler(bulk * 6 / 10 / parts + 1);
      b().push_back('"');
    }
    b().append("],\"tools\":[");
    for (size_t i = 0; i < kTools.size(); ++i) {
      fmt::format_to(it, "{}{{\"name\":\"{}\",\"description\":\"", i ? "," : "", kTools[i]);
      filler(bulk * 4 / 10 / kTools.size() + 1);
      b().append("\",\"schema\":{\"type\":\"object\"}}");
    }
    b().append(
        "],\"reminderFold\":false,\"echoWireToolInputs\":false,"
        "\"contextRendering\":\"announced\"");
    rendered = false;
  }
  fmt::format_to(it, "}},\"type\":\"attachment\",\"uuid\":\"{}\"", uuid);
  ts();
  if (rendered) {
    b().append(",\"rendered\":[{\"content\":\"<system-reminder>\\n");
    filler(bulk > 64 ? bulk : 64);
    b().append("\\n</system-reminder>\"}],\"renderedRole\":\"system\"");
  }
  tail();
  end(true);
  parent_ = uuid;
}

void Transcript::initial_attachments(size_t bulk) {
  attachment("environment", 200);
  attachment("model", bulk / 20 + 100);
  attachment("deferred_tools_delta", 80);
  attachment("skill_listing", bulk / 4 + 200);
  if (!sidechain_) {
    simple("\"type\":\"atis-latch\",\"atis\":\"\"");
  }
  attachment("session_context", 0);
  attachment("date", 60);
}

void Transcript::api_request_shape() {
  begin();
  fmt::format_to(std::back_inserter(b()),
                 "{{\"type\":\"api-request-shape\",\"sessionId\":\"{}\",{}\"shapeHash\":\"{}\"",
                 s_.session_id, sidechain_ ? "\"agentId\":\"" + agent_id_ + "\"," : "",
                 hex_id(rng_, 64));
  ts();
  fmt::format_to(std::back_inserter(b()), ",\"version\":\"{}\",\"shape\":{{\"system\":[", kVersion);
  for (int i = 0; i < 2; ++i) {
    b().append(i ? ",{\"type\":\"text\",\"text\":\"" : "{\"type\":\"text\",\"text\":\"");
    filler(300);
    b().append("\"}");
  }
  b().append("],\"tools\":[");
  for (size_t i = 0; i < kTools.size(); ++i) {
    fmt::format_to(std::back_inserter(b()),
                   "{}{{\"name\":\"{}\",\"description\":\"scrubbed {}\",\"input_schema\":"
                   "{{\"type\":\"object\"}}}}",
                   i ? "," : "", kTools[i], hex_id(rng_, 8));
  }
  b().append("]}}");
  end(false);
}

void Transcript::api_request_blob(size_t bulk) {
  begin();
  fmt::format_to(std::back_inserter(b()),
                 "{{\"type\":\"api-request-blob\",\"sessionId\":\"{}\",{}\"hash\":\"{}\","
                 "\"message\":{{\"role\":\"user\",\"content\":[{{\"type\":\"text\",\"text\":\"",
                 s_.session_id, sidechain_ ? "\"agentId\":\"" + agent_id_ + "\"," : "",
                 hex_id(rng_, 64));
  filler(bulk);
  b().append("\"}]}}");
  end(false);
}

void Transcript::api_request() {
  const std::string id = uuid4(rng_);
  auto it = std::back_inserter(b());
  begin();
  fmt::format_to(it, "{{\"type\":\"api-request\",\"sessionId\":\"{}\",{}\"id\":\"{}\"",
                 s_.session_id, sidechain_ ? "\"agentId\":\"" + agent_id_ + "\"," : "", id);
  ts();
  fmt::format_to(it,
                 ",\"version\":\"{}\",\"querySource\":\"{}\",\"shapeHash\":\"{}\",\"params\":{{"
                 "\"model\":\"{}\",\"betas\":[\"claude-code-20250219\",\"interleaved-thinking-"
                 "2025-05-14\",\"context-management-2025-06-27\",\"effort-2025-11-24\"],"
                 "\"max_tokens\":64000,\"thinking\":{{\"type\":\"adaptive\"}},"
                 "\"output_config\":{{\"effort\":\"{}\"}}}}",
                 kVersion, sidechain_ ? "agent:general-purpose" : "repl_main_thread",
                 hex_id(rng_, 64), model_, s_.effort);
  if (!last_request_.empty()) {
    fmt::format_to(it, ",\"base\":\"{}\"", last_request_);
  }
  fmt::format_to(it,
                 ",\"keep\":{},\"tail\":[\"{}\",\"{}\"],\"cacheControl\":[{{\"path\":[\"system\","
                 "0],\"value\":{{\"type\":\"ephemeral\"}}}}],\"requestDigest\":\"{}\"}}",
                 rng_.range(0, 40), hex_id(rng_, 64), hex_id(rng_, 64), hex_id(rng_, 64));
  end(false);
  last_request_ = id;
}

void Transcript::file_history_snapshot(const std::string& message_id) {
  auto it = std::back_inserter(b());
  begin();
  fmt::format_to(it,
                 "{{\"type\":\"file-history-snapshot\",\"messageId\":\"{0}\",\"snapshot\":{{"
                 "\"messageId\":\"{0}\",\"trackedFileBackups\":{{",
                 message_id);
  const uint64_t files = std::min<uint64_t>(s_.turn, 12);
  for (uint64_t i = 0; i < files; ++i) {
    fmt::format_to(it,
                   "{}\"{}/src/file_{}.cc\":{{\"backupFileName\":\"{}@v{}\",\"version\":{},"
                   "\"backupTime\":\"",
                   i ? "," : "", s_.cwd, i, hex_id(rng_, 16), i % 3 + 1, i % 3 + 1);
    append_iso_ms(b(), t_);
    b().append("\"}");
  }
  b().append("},\"timestamp\":\"");
  append_iso_ms(b(), t_);
  b().append("\"},\"isSnapshotUpdate\":false}");
  end(false);
}

std::string Transcript::respond(const Resp& r, bool tool_use, std::string_view tool_name,
                                std::string& tool_id) {
  const std::string msg_id = "msg_01" + base62_id(rng_, 22);
  const std::string req_id = "req_01" + base62_id(rng_, 22);
  const bool h1 = s_.ttl_1h;
  std::array<int, 3> blocks{};  // 0 thinking, 1 text, 2 tool_use
  size_t n = 0;
  // The heavy profile writes fewer lines per response (its bytes go to more responses): a
  // third of the thinking blocks (the tokens are in the usage either way), fewer texts.
  if (r.thinking > 0 && (!g_.heavy() || rng_.chance(0.33))) {
    blocks[n++] = 0;
  }
  if (!tool_use || rng_.chance(g_.heavy() ? 0.2 : 0.6)) {
    blocks[n++] = 1;
  }
  if (tool_use) {
    blocks[n++] = 2;
    tool_id = "toolu_01" + base62_id(rng_, 22);
  }
  auto it = std::back_inserter(b());
  std::string uuid;
  for (size_t i = 0; i < n; ++i) {
    uuid = uuid4(rng_);
    begin();
    head();
    fmt::format_to(it,
                   "\"message\":{{\"id\":\"{}\",\"type\":\"message\",\"role\":\"assistant\","
                   "\"model\":\"{}\",\"content\":[",
                   msg_id, model_);
    if (blocks[i] == 0) {
      b().append("{\"type\":\"thinking\",\"thinking\":\"");
      filler(short_text(r.thinking * 3 + 1));
      fmt::format_to(it, "\",\"signature\":\"{}\"}}", base62_id(rng_, 88));
    } else if (blocks[i] == 1) {
      b().append("{\"type\":\"text\",\"text\":\"");
      filler(short_text((r.output - r.thinking) * 2 + 1));
      b().append("\"}");
    } else if (project_ != nullptr && tool_name != "Agent") {
      fmt::format_to(it, "{{\"type\":\"tool_use\",\"id\":\"{}\",\"name\":\"{}\",\"input\":{{",
                     tool_id, tool_name);
      tool_input(tool_name);
      b().append("}}");
    } else {
      fmt::format_to(it,
                     "{{\"type\":\"tool_use\",\"id\":\"{}\",\"name\":\"{}\",\"input\":{{"
                     "\"description\":\"",
                     tool_id, tool_name);
      filler(40);
      b().append(tool_name == "Agent" ? "\",\"prompt\":\"" : "\",\"command\":\"");
      filler(tool_name == "Agent" ? short_text(1200) : 80);
      b().append("\"}}");
    }
    fmt::format_to(it,
                   "],\"stop_reason\":\"{}\",\"stop_sequence\":null,\"usage\":{{"
                   "\"input_tokens\":{},\"cache_creation_input_tokens\":{},"
                   "\"cache_read_input_tokens\":{},\"output_tokens\":{},"
                   "\"output_tokens_details\":{{\"thinking_tokens\":{}}},\"server_tool_use\":{{"
                   "\"web_search_requests\":0,\"web_fetch_requests\":0}},\"service_tier\":"
                   "\"standard\",\"cache_creation\":{{\"ephemeral_1h_input_tokens\":{},"
                   "\"ephemeral_5m_input_tokens\":{}}},\"inference_geo\":\"\",\"iterations\":[],"
                   "\"speed\":\"{}\",\"fallback_credit\":null}},\"stop_details\":null}},"
                   "\"apiBlockIndex\":{},\"requestId\":\"{}\",\"requestRef\":\"{}\","
                   "\"requestedModel\":\"{}\",\"promptCacheRequested\":\"{}\",\"type\":"
                   "\"assistant\",\"uuid\":\"{}\"",
                   tool_use ? "tool_use" : "end_turn", r.input, r.cache_write, r.cache_read,
                   r.output, r.thinking, h1 ? r.cache_write : 0, h1 ? 0 : r.cache_write,
                   fast_ ? "fast" : "standard", i, req_id, last_request_, model_, h1 ? "1h" : "5m",
                   uuid);
    ts();
    fmt::format_to(it, ",\"effort\":\"{0}\",\"perTurnEffort\":\"{0}\",\"madeBy\":\"model\"",
                   s_.effort);
    tail();
    end(false);
    parent_ = uuid;
    if (i > 0) {
      const bool h1_model = h1;
      g_.ledger->trap("claude", "assistant lines repeating a counted response",
                      Tokens{1, r.input, r.cache_read, r.cache_write, h1_model ? r.cache_write : 0,
                             r.output, r.thinking});
    }
    advance(static_cast<Millis>(rng_.range(20, 900)));
  }
  add_usage(model_, r, false);
  last_resp_t_ = t_;
  return uuid;
}

void Transcript::tool_input(std::string_view tool_name) {
  auto it = std::back_inserter(b());
  const Project& p = *project_;
  if (tool_name == "Read" || tool_name == "Edit" || tool_name == "Write") {
    fmt::format_to(it, "\"file_path\":\"{}/{}\"", p.cwd_json, source_file(p, rng_));
    if (tool_name == "Edit") {
      b().append(",\"old_string\":\"");
      filler(rng_.range(20, 120));
      b().append("\",\"new_string\":\"");
      filler(rng_.range(20, 160));
      b().push_back('"');
    } else if (tool_name == "Write") {
      b().append(",\"content\":\"");
      filler(rng_.range(100, 400));
      b().push_back('"');
    }
  } else if (tool_name == "Bash") {
    fmt::format_to(it, "\"command\":\"{}\",\"description\":\"", shell_command(p, rng_));
    filler(rng_.range(10, 40));
    b().push_back('"');
  } else if (tool_name == "Grep" || tool_name == "Glob") {
    fmt::format_to(it, "\"pattern\":\"{}\",\"path\":\"{}\"",
                   tool_name == "Grep" ? "TODO|FIXME" : "**/*", p.cwd_json);
  } else if (tool_name == "WebFetch") {
    b().append("\"url\":\"https://docs.example.com/guide\",\"prompt\":\"");
    filler(rng_.range(20, 80));
    b().push_back('"');
  } else {
    b().append("\"todos\":[{\"content\":\"");
    filler(rng_.range(20, 60));
    b().append("\",\"status\":\"in_progress\",\"activeForm\":\"Working\"}]");
  }
}

void Transcript::tool_result(const std::string& tool_id, const std::string& asst_uuid,
                             size_t bulk) {
  const std::string uuid = uuid4(rng_);
  auto it = std::back_inserter(b());
  begin();
  head();
  fmt::format_to(it,
                 "\"promptId\":\"{}\",\"type\":\"user\",\"message\":{{\"role\":\"user\","
                 "\"content\":[{{\"tool_use_id\":\"{}\",\"type\":\"tool_result\",\"content\":\"",
                 uuid4(rng_), tool_id);
  const size_t shown = bulk / 2 + 1;
  filler(shown);
  fmt::format_to(it, "\",\"is_error\":false}}]}},\"uuid\":\"{}\"", uuid);
  ts();
  b().append(",\"toolUseResult\":{\"stdout\":\"");
  filler(bulk - shown + 1);
  fmt::format_to(it,
                 "\",\"stderr\":\"\",\"interrupted\":false,\"isImage\":false,"
                 "\"noOutputExpected\":false}},\"sandboxed\":false,\"sourceToolAssistantUUID\":"
                 "\"{}\",\"permissionDecision\":{{\"decision\":\"accept\",\"source\":\"config\"}}",
                 asst_uuid);
  tail();
  end(false);
  parent_ = uuid;
}

void Transcript::system_line(std::string_view fields) {
  const std::string uuid = uuid4(rng_);
  begin();
  head();
  fmt::format_to(std::back_inserter(b()), "\"type\":\"system\",{}", fields);
  ts();
  fmt::format_to(std::back_inserter(b()), ",\"uuid\":\"{}\"", uuid);
  tail();
  end(false);
  parent_ = uuid;
}

void Transcript::synthetic_error() {
  // A hard API failure: an assistant line with zero usage that no reader may count.
  const std::string uuid = uuid4(rng_);
  begin();
  head();
  fmt::format_to(std::back_inserter(b()),
                 "\"message\":{{\"id\":\"{}\",\"type\":\"message\",\"role\":\"assistant\","
                 "\"model\":\"<synthetic>\",\"content\":[{{\"type\":\"text\",\"text\":\"API "
                 "Error: 529 overloaded\"}}],\"stop_reason\":\"stop_sequence\",\"stop_sequence\":"
                 "\"\",\"usage\":{{\"input_tokens\":0,\"output_tokens\":0,"
                 "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}}},"
                 "\"type\":\"assistant\",\"uuid\":\"{}\"",
                 uuid4(rng_), uuid);
  ts();
  b().append(",\"error\":\"unknown\",\"isApiErrorMessage\":true");
  tail();
  end(false);
  parent_ = uuid;
}

void Transcript::cost_state() {
  auto it = std::back_inserter(b());
  double total = 0;
  for (const auto& [m, u] : s_.usage) {
    total += u.cost;
  }
  begin();
  fmt::format_to(it,
                 "{{\"type\":\"cost-state\",\"sessionId\":\"{}\",\"totalCostUSD\":{},"
                 "\"totalAPIDuration\":{},\"totalAPIDurationWithoutRetries\":{},"
                 "\"totalToolDuration\":{},\"totalLinesAdded\":{},\"totalLinesRemoved\":{},"
                 "\"totalDuration\":{},\"startTime\":{},\"modelUsage\":{{",
                 s_.session_id, total, s_.api_ms, s_.api_ms * 97 / 100, s_.api_ms / 3,
                 s_.lines_added, s_.lines_removed, t_ - s_.start, s_.start);
  bool first = true;
  for (const auto& [m, u] : s_.usage) {
    fmt::format_to(it,
                   "{}\"{}\":{{\"inputTokens\":{},\"outputTokens\":{},\"thinkingTokens\":{},"
                   "\"cacheReadInputTokens\":{},\"cacheCreationInputTokens\":{},"
                   "\"cacheCreationEphemeral5mInputTokens\":{},"
                   "\"cacheCreationEphemeral1hInputTokens\":{},\"webSearchRequests\":0,"
                   "\"costUSD\":{}}}",
                   first ? "" : ",", m, u.input, u.output, u.thinking, u.cache_read, u.cache_write,
                   u.cache_write_5m, u.cache_write_1h, u.cost);
    first = false;
  }
  b().append("},\"hasUnknownModelCost\":false}");
  end(false);
}

}  // namespace tally::corpus::claude
