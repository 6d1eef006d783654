#pragma once

// The generator's memory between runs: every appendable session's resume point and the
// exact totals written so far. Kept in <root>/.corpus/state.tsv, outside the agents' log
// directories, so no reader sees it. Plain TSV: one record per line, the first field names
// the kind; no field holds a tab or a newline.

#include <cstdint>
#include <string>
#include <vector>

#include "demo/common.h"
#include "demo/writers.h"

namespace tally::corpus {

struct CorpusState {
  uint64_t seed = 1;
  uint64_t mb = 0;
  uint64_t days = 30;
  uint64_t round = 0;  // completed --append-percent runs
  bool heavy = false;  // written with the heavy-user profile (corpus.h)
  Millis end = 0;      // --end of the initial generation
  Ledger ledger;
  std::vector<ClaudeSessionState> claude;
  std::vector<CodexThreadState> codex;
  std::vector<GeminiChatState> gemini;
};

// Writes `state` to `path` atomically (temporary file, then rename). Returns false on error.
bool save_state(const std::string& path, const CorpusState& state);

// Reads a file written by save_state. Returns false, with a message in `error`, on failure.
bool load_state(const std::string& path, CorpusState& state, std::string& error);

}  // namespace tally::corpus
