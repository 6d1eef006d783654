#pragma once

// The JSON of one commit and one pull request a session made (core/outcome.h), the same in
// every view that lists them (`tally outcomes`, `tally session`):
//   commit: {sha, short, branch, subject, action, repository, logged_at, lines_added,
//            lines_removed, files, test_lines, instruction_lines, harness_lines, ci_lines,
//            counted, merged (null when unknown), state, landed_as, evidence,
//            tokens_since_previous, cost_since_previous}
//   pull request: {url, number, branch, merged (null when unknown)}
// Each is one object on one line (JsonLayout::line).

#include "core/outcome.h"
#include "render/json_writer.h"

namespace tally::render {

void commit_json(JsonWriter& w, const CommitOutcome& c);
void pull_request_json(JsonWriter& w, const PullRequestOutcome& pr);
// A cost or ratio: format_decimal, or null for NaN and infinities.
void number_json(JsonWriter& w, double v);
void optional_bool_json(JsonWriter& w, std::optional<bool> v);

}  // namespace tally::render
