#include "app/outcomes.h"

#include <fmt/format.h>

namespace tally::app {

Result<analytics::OutcomeReport> gather_outcomes(store::Ledger& ledger,
                                                 const store::RecordFilter& filter,
                                                 const outcomes::AttributeOptions& options) {
  auto facts = ledger.sessions("");
  TALLY_TRY(facts);
  outcomes::Attribution found = outcomes::attribute(*facts, options);
  return analytics::build_outcome_report(ledger, filter, *facts, std::move(found.sessions),
                                         std::move(found.warnings));
}

Result<outcomes::AttributeOptions> parse_repo_map(const std::vector<std::string>& entries) {
  outcomes::AttributeOptions options;
  for (const std::string& entry : entries) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size()) {
      return fail(Errc::invalid_argument,
                  fmt::format("--repo-map {}: expected OLD=NEW (two paths)", entry));
    }
    options.path_map.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return options;
}

Status add_session_outcomes(store::Ledger& ledger, const std::vector<std::string>& repo_map,
                            analytics::SessionAnatomy& anatomy) {
  auto options = parse_repo_map(repo_map);
  TALLY_TRY(options);
  store::RecordFilter just_this;
  just_this.agent = anatomy.agent;
  just_this.root_session = anatomy.session_id;
  auto report = gather_outcomes(ledger, just_this, *options);
  TALLY_TRY(report);
  anatomy.outcomes_checked = true;
  for (analytics::OutcomeRow& row : report->rows) {
    anatomy.commits = std::move(row.commit_list);
    anatomy.pull_requests = std::move(row.pull_requests);
    anatomy.unchecked_commits = row.unchecked;
  }
  for (const OutcomeWarning& w : report->warnings) {
    anatomy.warnings.push_back({"outcome-" + w.kind, w.detail, "", 0});
  }
  return ok();
}

}  // namespace tally::app
