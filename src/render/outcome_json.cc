#include "render/outcome_json.h"

#include "core/time.h"
#include "render/number_format.h"

namespace tally::render {

void number_json(JsonWriter& w, double v) {
  const std::string text = format_decimal(v);
  if (text.empty()) {
    w.null();
  } else {
    w.raw(text);
  }
}

void optional_bool_json(JsonWriter& w, std::optional<bool> v) {
  if (v) {
    w.boolean(*v);
  } else {
    w.null();
  }
}

void commit_json(JsonWriter& w, const CommitOutcome& c) {
  w.open('{', JsonLayout::line);
  w.member("sha");
  w.string(c.sha);
  w.member("short");
  w.string(c.short_sha);
  w.member("branch");
  w.string(c.branch);
  w.member("subject");
  w.string(c.subject);
  w.member("action");
  w.string(c.action);
  w.member("repository");
  w.string(c.repository);
  w.member("logged_at");
  w.string(format_iso8601(c.ts));
  w.member("lines_added");
  w.integer(c.lines_added);
  w.member("lines_removed");
  w.integer(c.lines_removed);
  w.member("files");
  w.integer(c.files);
  w.member("test_lines");
  w.integer(c.class_lines.test);
  w.member("instruction_lines");
  w.integer(c.class_lines.instructions);
  w.member("harness_lines");
  w.integer(c.class_lines.harness);
  w.member("ci_lines");
  w.integer(c.class_lines.ci);
  w.member("counted");
  w.boolean(c.counted());
  w.member("merged");
  optional_bool_json(w, c.state == CommitState::unknown ? std::nullopt
                                                   : std::optional<bool>(c.merged()));
  w.member("state");
  w.string(commit_state_name(c.state));
  w.member("landed_as");
  w.string(c.landed_as);
  w.member("evidence");
  w.string("exact");
  w.member("tokens_since_previous");
  w.integer(c.tokens_since_previous);
  w.member("cost_since_previous");
  number_json(w, c.cost_since_previous);
  w.close('}');
}

void pull_request_json(JsonWriter& w, const PullRequestOutcome& pr) {
  w.open('{', JsonLayout::line);
  w.member("url");
  w.string(pr.url);
  w.member("number");
  w.integer(pr.number);
  w.member("branch");
  w.string(pr.branch);
  w.member("merged");
  optional_bool_json(w, pr.merged);
  w.close('}');
}

}  // namespace tally::render
