#include "analytics/session_list.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace tally::analytics {
namespace {

size_t common_prefix(const std::string& a, const std::string& b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) {
    ++i;
  }
  return i;
}

}  // namespace

ShortIds::ShortIds(std::vector<std::string> ids) : ids_(std::move(ids)) {
  std::sort(ids_.begin(), ids_.end());
  ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
}

std::string ShortIds::of(const std::string& id) const {
  // The shortest unique prefix of an id is one longer than its longest common prefix with
  // a neighbour in sorted order.
  const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  size_t shared = 0;
  if (it != ids_.begin()) {
    shared = std::max(shared, common_prefix(id, *(it - 1)));
  }
  if (it != ids_.end() && *it == id && it + 1 != ids_.end()) {
    shared = std::max(shared, common_prefix(id, *(it + 1)));
  } else if (it != ids_.end() && *it != id) {
    shared = std::max(shared, common_prefix(id, *it));
  }
  return id.substr(0, std::max(kShortIdChars, shared + 1));
}

Status add_titles_and_short_ids(store::Ledger& ledger, Report& report) {
  auto facts = ledger.sessions("");
  TALLY_TRY(facts);
  std::map<std::string, std::string> title_of;
  std::vector<std::string> ids;
  for (const SessionFacts& f : *facts) {
    // A prefix that matches a session and its sub-agents still names one session.
    if (f.parent_session_id.empty()) {
      ids.push_back(f.session_id);
    }
    if (!f.title.empty()) {
      title_of.emplace(f.session_id, f.title);
    }
  }
  // Every id of the report too: a session whose files are gone has records but no facts.
  for (const ReportRow& row : report.rows) {
    if (!row.keys.empty()) {
      ids.push_back(row.keys.front().second);
    }
  }
  const ShortIds short_ids(std::move(ids));
  std::vector<std::string> names = {"session_id", "session"};
  for (size_t i = 1; i < report.key_names.size(); ++i) {
    names.push_back(report.key_names[i]);
  }
  names.push_back("title");
  for (ReportRow& row : report.rows) {
    if (row.keys.empty()) {
      continue;
    }
    const std::string id = row.keys.front().second;
    row.keys.insert(row.keys.begin() + 1, {"session", short_ids.of(id)});
    auto t = title_of.find(id);
    row.keys.emplace_back("title", t == title_of.end() ? std::string() : t->second);
  }
  report.key_names = std::move(names);
  report.table_keys = report.key_names;
  report.table_keys.erase(report.table_keys.begin());  // the short id stands for it
  return ok();
}

}  // namespace tally::analytics
