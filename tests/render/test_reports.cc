#include "test_reports.h"

namespace tally::render::fixtures {

using analytics::Report;
using analytics::ReportRow;
using analytics::Totals;
using analytics::Warning;

Totals make_totals(std::int64_t requests, TokenCounts tokens, double cost_usd,
                   std::int64_t reported, std::int64_t unpriced) {
  Totals t;
  t.requests = requests;
  t.tokens = tokens;
  t.cost_usd = cost_usd;
  t.standard_cost_usd = cost_usd;  // nothing ran fast (fast_mode_report() has some)
  t.reported_requests = reported;
  t.unpriced_requests = unpriced;
  t.cost_source = unpriced > 0   ? CostSource::unpriced
                  : reported > 0 ? CostSource::agent_reported
                                 : CostSource::computed;
  return t;
}

void sum_totals(Report& report) {
  Totals sum;
  for (const ReportRow& row : report.rows) {
    const Totals& t = row.totals;
    sum.requests += t.requests;
    sum.tokens += t.tokens;
    sum.cost_usd += t.cost_usd;
    sum.reported_requests += t.reported_requests;
    sum.unpriced_requests += t.unpriced_requests;
  }
  report.totals = make_totals(sum.requests, sum.tokens, sum.cost_usd, sum.reported_requests,
                              sum.unpriced_requests);
}

namespace {

// A row made of `shares`: its totals their sum, its agent and model lists theirs.
ReportRow row_of(const std::string& date, std::vector<analytics::ModelShare> shares) {
  ReportRow row;
  row.keys = {{"date", date}};
  Report sum;
  for (const analytics::ModelShare& share : shares) {
    sum.rows.push_back(ReportRow{{}, share.agent, share.model, share.totals});
    row.agent += (row.agent.empty() ? "" : ",") + share.agent;
    row.model += (row.model.empty() ? "" : ",") + share.model;
  }
  sum_totals(sum);
  row.totals = sum.totals;
  row.breakdown = std::move(shares);
  return row;
}

}  // namespace

Report breakdown_report(bool hostile) {
  Report r;
  r.title = "Daily usage";
  r.key_names = {"date"};
  r.breakdown = true;
  r.rows.push_back(row_of(
      "2026-11-21",
      {{"claude", "claude-sonnet-4-5",
        make_totals(37, TokenCounts{.input = 11000, .cache_read = 1200000, .output = 21000},
                    3.1067)},
       {"gemini", hostile ? "=HYPERLINK(\"http://x\",\"y\")" : "gemini-3-pro",
        make_totals(5, TokenCounts{.input = 1285, .cache_read = 34567, .output = 2456}, 0.35,
                    5)}}));
  r.rows.push_back(row_of(
      "2026-11-22",
      {{"claude", hostile ? "sonnet \x1b[31m\"red\"" : "claude-sonnet-4-5",
        make_totals(12, TokenCounts{.input = 900, .cache_read = 20480, .output = 1400}, 0.0618)},
       {"codex", "gpt-6-sol",
        make_totals(1, TokenCounts{.input = 80, .output = 100, .reasoning = 640}, 0.0, 0, 1)}}));
  sum_totals(r);
  r.warnings.push_back(Warning{
      "unpriced-model", "unpriced model gpt-6-sol (codex): 1 request, cost not included", "", 0});
  return r;
}

Report daily_report() {
  Report r;
  r.title = "Daily usage";
  r.key_names = {"date"};
  r.rows.push_back(ReportRow{{{"date", "2026-11-21"}},
                             "claude, gemini",
                             "claude-sonnet-4-5, gemini-3-pro",
                             make_totals(42,
                                         TokenCounts{.input = 12285,
                                                     .cache_read = 1234567,
                                                     .cache_write = 45678,
                                                     .cache_write_1h = 12000,
                                                     .output = 23456,
                                                     .reasoning = 0},
                                         3.4567, 5)});
  r.rows.push_back(ReportRow{{{"date", "2026-11-22"}},
                             "claude, codex",
                             "claude-sonnet-4-5, gpt-6-sol",
                             make_totals(13,
                                         TokenCounts{.input = 980,
                                                     .cache_read = 20480,
                                                     .cache_write = 0,
                                                     .cache_write_1h = 0,
                                                     .output = 1500,
                                                     .reasoning = 640},
                                         0.0618, 0, 1)});
  sum_totals(r);
  r.warnings.push_back(Warning{
      "unpriced-model", "unpriced model gpt-6-sol (codex): 1 request, cost not included", "", 0});
  r.notes.push_back("timezone: Europe/Berlin");
  return r;
}

Report models_report() {
  Report r;
  r.title = "Usage by model";
  r.rows.push_back(ReportRow{{},
                             "claude",
                             "claude-opus-4-5",
                             make_totals(1204,
                                         TokenCounts{.input = 3456789,
                                                     .cache_read = 987654321,
                                                     .cache_write = 12345678,
                                                     .cache_write_1h = 2345678,
                                                     .output = 4567890,
                                                     .reasoning = 0},
                                         1234.5678)});
  r.rows.push_back(ReportRow{{},
                             "codex",
                             "gpt-5-codex",
                             make_totals(310,
                                         TokenCounts{.input = 845000,
                                                     .cache_read = 5120000,
                                                     .cache_write = 0,
                                                     .cache_write_1h = 0,
                                                     .output = 210000,
                                                     .reasoning = 150000},
                                         9.87654321)});
  r.rows.push_back(ReportRow{{},
                             "codex",
                             "gpt-6-sol",
                             make_totals(7,
                                         TokenCounts{.input = 1000,
                                                     .cache_read = 0,
                                                     .cache_write = 0,
                                                     .cache_write_1h = 0,
                                                     .output = 200,
                                                     .reasoning = 50},
                                         0.0, 0, 7)});
  r.rows.push_back(ReportRow{{},
                             "gemini",
                             "gemini-3-pro",
                             make_totals(55,
                                         TokenCounts{.input = 99000,
                                                     .cache_read = 10000,
                                                     .cache_write = 0,
                                                     .cache_write_1h = 0,
                                                     .output = 8000,
                                                     .reasoning = 3000},
                                         0.5, 55)});
  sum_totals(r);
  r.warnings.push_back(Warning{
      "unpriced-model", "unpriced model gpt-6-sol (codex): 7 requests, cost not included", "", 0});
  return r;
}

Report empty_report() {
  Report r;
  r.title = "Daily usage";
  r.key_names = {"date"};
  r.notes.push_back("range: 2026-11-01 .. 2026-11-07 (Europe/Berlin)");
  return r;
}

Report warnings_report() {
  Report r;
  r.title = "Usage by session";
  r.key_names = {"session_id", "project"};
  r.rows.push_back(ReportRow{
      {{"session_id", "0199a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b"}, {"project", "/home/me/app"}},
      "claude",
      "claude-haiku-4-5",
      make_totals(3,
                  TokenCounts{.input = 300,
                              .cache_read = 0,
                              .cache_write = 1200,
                              .cache_write_1h = 1200,
                              .output = 90,
                              .reasoning = 0},
                  0.0021)});
  sum_totals(r);
  r.warnings.push_back(Warning{"malformed-line", "malformed line: expected ',' or '}'",
                               "/home/me/.claude/projects/app/0199a1b2.jsonl", 1187});
  r.warnings.push_back(Warning{"unreadable-file", "cannot read file: permission denied",
                               "/home/me/.codex/sessions/2026/11/22/rollout.jsonl", 0});
  return r;
}

Report escaping_report() {
  Report r;
  r.title = "Projects \"quoted\", with\tcontrol \x1b[31mchars";
  r.key_names = {"project"};
  r.rows.push_back(ReportRow{{{"project", "/home/me/caf\xc3\xa9 \xe2\x98\x95, \"the\" app"}},
                             "claude",
                             "claude-sonnet-4-5",
                             make_totals(2,
                                         TokenCounts{.input = 10,
                                                     .cache_read = 0,
                                                     .cache_write = 0,
                                                     .cache_write_1h = 0,
                                                     .output = 5,
                                                     .reasoning = 0},
                                         0.000123)});
  r.rows.push_back(ReportRow{{{"project", "C:\\work\\line1\nline2\r\n\xff\xfe bad \xe2\x82 utf8"}},
                             "codex",
                             "gpt-5, \"mini\"",
                             make_totals(1,
                                         TokenCounts{.input = 7,
                                                     .cache_read = 0,
                                                     .cache_write = 0,
                                                     .cache_write_1h = 0,
                                                     .output = 3,
                                                     .reasoning = 1},
                                         0.0000001)});
  // Spreadsheet formulas (OWASP CSV injection): only CSV changes them, with a leading '.
  r.rows.push_back(ReportRow{{{"project", "=HYPERLINK(\"http://x\",\"y\")"}},
                             "claude",
                             "@SUM(1)",
                             make_totals(1, TokenCounts{}, 0)});
  sum_totals(r);
  r.warnings.push_back(Warning{"malformed-line", "bad value \"\\u12\" near \x1b]0;pwned\x07 here",
                               "/tmp/we ird,\"dir\"/\xc0\xaf.jsonl", 3});
  r.notes.push_back("note with \xf0\x9f\x98\x80 emoji and \x7f DEL");
  return r;
}

}  // namespace tally::render::fixtures
