#pragma once

// Facts about one session as seen in one file. A parser recomputes them from the file's
// start (keeping running values in its resumable state), so a re-read replaces the row
// rather than adding to it. Keyed by (agent, session_id, file_key), where file_key is the
// file's base name: a Codex rollout copied into archived_sessions/ is the same file under
// another path, and must not count twice.

#include <cstdint>
#include <string>

#include "core/usage.h"

namespace tally {

struct SessionFacts {
  Agent agent = Agent::claude;
  std::string session_id;
  std::string parent_session_id;
  std::string file_key;
  std::string project;
  std::string title;
  TimeMs first_ts = 0;
  TimeMs last_ts = 0;
  std::int64_t user_prompts = 0;
  std::int64_t errors = 0;
  std::int64_t compactions = 0;
  std::int64_t lines_added = 0;
  std::int64_t lines_removed = 0;
};

}  // namespace tally
