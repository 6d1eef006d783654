#pragma once

// What a row of `tally sessions` says about its session beyond the numbers: a title and a
// short id.
//
// * title: the agent's own title where it records one, else the first prompt the user
//   typed, shortened (core/session_facts.h prompt_title); "" when the logs have neither.
// * session: the shortest prefix of the id, at least kShortIdChars long, that no other
//   session in the ledger shares, so `tally session <short id>` finds exactly this one.
//   UUIDv7 ids (Codex) share their leading time digits, hence "among every session".
//
// The table shows `session` in place of the full `session_id` (Report::table_keys); JSON and
// CSV carry both.

#include <string>
#include <vector>

#include "analytics/report.h"
#include "core/result.h"
#include "store/ledger.h"

namespace tally::analytics {

inline constexpr std::size_t kShortIdChars = 8;

// The `session` spelling above for ids among `ids` (every session of the ledger).
class ShortIds {
 public:
  explicit ShortIds(std::vector<std::string> ids);
  std::string of(const std::string& id) const;

 private:
  std::vector<std::string> ids_;  // sorted, unique
};

// Adds the keys "session" (after "session_id") and "title" (last) to every row of a
// sessions report, from the ledger's session facts.
Status add_titles_and_short_ids(store::Ledger& ledger, Report& report);

}  // namespace tally::analytics
