// The agent registry (core/agent.h, sources/registry.h): a fourth agent, "quill", added by
// this file alone (a registry entry and a tiny adapter) is discovered through its own
// environment variable, parsed, stored in a SQLite ledger, read back, filtered by name and
// reported grouped by agent, with no change anywhere else. And a ledger row whose agent
// this tally does not know is an error, never another agent.

#include "sources/registry.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "analytics/rollup.h"
#include "core/agent.h"
#include "core/time.h"
#include "ingest/ingest.h"
#include "pricing/pricer.h"
#include "sources/adapter.h"
#include "sources/fs_walk.h"
#include "store/sqlite/sqlite_backend.h"

namespace tally::sources {
namespace {

namespace fs = std::filesystem;

// Quill's log: JSONL, one line per response, with one usage field.
//   {"id":"r1","ts":1795000000000,"session":"s1","model":"quill-1","tokens":120}
class QuillParser final : public FileParser {
 public:
  QuillParser(Agent self, std::string path) : self_(self), path_(std::move(path)) {}

  Status restore_state(std::string_view) override { return ok(); }
  std::string save_state() const override { return ""; }
  bool wants(std::string_view line) const override {
    return line.find("\"tokens\"") != std::string_view::npos;
  }
  void on_line(const Line& line, ParseOutput& out) override {
    simdjson::ondemand::parser& json = line.json != nullptr ? *line.json : parser_;
    simdjson::ondemand::document doc;
    std::string_view id;
    std::string_view session;
    std::string_view model;
    std::int64_t ts = 0;
    std::int64_t tokens = 0;
    if (json.iterate(line.text.data(), line.text.size(),
                     line.text.size() + simdjson::SIMDJSON_PADDING)
            .get(doc) ||
        doc["id"].get_string().get(id) || doc["ts"].get_int64().get(ts) ||
        doc["session"].get_string().get(session) || doc["model"].get_string().get(model) ||
        doc["tokens"].get_int64().get(tokens)) {
      out.problems.push_back(ParseProblem{path_, line.number, line.offset, "not a quill line"});
      return;
    }
    UsageRecord r;
    r.id = "quill:" + std::string(id);
    r.agent = self_;
    r.ts = ts;
    r.session_id = std::string(session);
    r.model = std::string(model);
    r.project = "/work/quill";
    r.tokens.input = tokens;
    r.source_file = path_;
    r.source_offset = line.offset;
    r.source_line = line.number;
    out.records.push_back(std::move(r));
  }
  void finish(ParseOutput&) override {}
  std::vector<std::string_view> needles() const override { return {"\"tokens\""}; }

 private:
  Agent self_;
  std::string path_;
  simdjson::ondemand::parser parser_;
};

class QuillAdapter final : public Adapter {
 public:
  explicit QuillAdapter(Agent self) : self_(self) {}
  Agent agent() const override { return self_; }
  std::vector<std::string> roots(const DiscoveryEnv& env) const override {
    const std::string_view home = env.var("QUILL_HOME");
    if (!home.empty()) {
      return {std::string(home) + "/logs"};
    }
    return env.home.empty() ? std::vector<std::string>{}
                            : std::vector<std::string>{env.home + "/.quill/logs"};
  }
  void discover(const DiscoveryEnv& env, std::vector<SourceFile>& out) const override {
    for (const std::string& root : roots(env)) {
      walk_files(root, 1, {".jsonl"}, [&](const std::string& path, const FileStat& st) {
        out.push_back(SourceFile{self_, path, base_name(path), false, st});
      });
    }
  }
  std::unique_ptr<FileParser> open(const SourceFile& file) const override {
    return std::make_unique<QuillParser>(self_, file.path);
  }

 private:
  Agent self_;
};

// Registers quill once per process (the registry never forgets an agent).
Agent quill() {
  static const Agent agent = [] {
    AgentInfo info;
    info.name = "quill";
    info.label = "Quill";
    info.env_vars = {"QUILL_HOME"};
    info.where = "$QUILL_HOME or ~/.quill, under logs/";
    auto registered = register_agent(std::move(info), [](Agent self) {
      return std::unique_ptr<Adapter>(std::make_unique<QuillAdapter>(self));
    });
    EXPECT_TRUE(registered) << registered.error().message;
    return registered ? *registered : Agent{};
  }();
  return agent;
}

// $1 per token.
class UnitPricer final : public pricing::Pricer {
 public:
  pricing::Cost price(const UsageRecord& r) const override {
    pricing::Cost c;
    c.usd = static_cast<double>(r.tokens.total());
    c.source = CostSource::computed;
    c.priced_as = r.model;
    return c;
  }
  std::string fingerprint() const override { return "unit-1"; }
};

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tally-registry-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST(AgentRegistryTest, BuiltInAgentsComeFirstInTheirOrder) {
  const std::vector<Agent> agents = registered_agents();
  ASSERT_GE(agents.size(), 3U);
  EXPECT_EQ(agents[0], Agent::claude);
  EXPECT_EQ(agents[1], Agent::codex);
  EXPECT_EQ(agents[2], Agent::gemini);
  EXPECT_EQ(Agent{}, agents[0]);
  for (Agent agent : agents) {
    EXPECT_EQ(parse_agent(agent_name(agent)), agent);
    EXPECT_FALSE(agent_info(agent).label.empty());
    EXPECT_FALSE(agent_info(agent).where.empty());
  }
  EXPECT_EQ(parse_agent("nobody"), std::nullopt);
  EXPECT_EQ(agent_with(&AgentCapabilities::statusline_hook), agents[0]);
}

TEST(AgentRegistryTest, AgentIsAnOrderedHashableValue) {
  std::map<Agent, int> ordered = {{Agent::gemini, 3}, {Agent::claude, 1}, {Agent::codex, 2}};
  EXPECT_EQ(ordered.begin()->first, Agent::claude);
  std::unordered_set<Agent> hashed = {Agent::claude, Agent::codex, Agent::claude};
  EXPECT_EQ(hashed.size(), 2U);
  EXPECT_LT(Agent::codex, Agent::gemini);
}

TEST(AgentRegistryTest, NamesAreUniqueAndNotEmpty) {
  quill();
  auto again = register_agent(
      AgentInfo{"quill", "Quill", {}, "", {}},
      [](Agent self) -> std::unique_ptr<Adapter> { return std::make_unique<QuillAdapter>(self); });
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("'quill' is registered already"), std::string::npos);
  EXPECT_FALSE(tally::register_agent(AgentInfo{}));
}

TEST(AgentRegistryTest, AFourthAgentIsDiscoveredParsedStoredAndReported) {
  const Agent q = quill();
  EXPECT_EQ(agent_name(q), "quill");
  EXPECT_EQ(parse_agent("quill"), q);
  EXPECT_EQ(agent_names(" or "), "claude, codex, gemini or quill");

  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string home = dir.path() + "/home";
  const std::string quill_home = dir.path() + "/quill";
  fs::create_directories(home);
  write_file(quill_home + "/logs/s1.jsonl",
             R"({"id":"r1","ts":1795000000000,"session":"s1","model":"quill-1","tokens":120})"
             "\n"
             R"({"note":"no usage"})"
             "\n"
             R"({"id":"r2","ts":1795000060000,"session":"s1","model":"quill-1","tokens":30})"
             "\n");
  // The environment the CLI gives discovery: HOME and every registered agent's variables.
  ASSERT_EQ(setenv("HOME", home.c_str(), 1), 0);
  ASSERT_EQ(setenv("QUILL_HOME", quill_home.c_str(), 1), 0);
  ingest::IngestOptions options;
  options.env = DiscoveryEnv::from_environment();
  EXPECT_EQ(options.env.var("QUILL_HOME"), quill_home);
  options.threads = 1;

  auto ledger = store::open_sqlite_ledger(dir.path() + "/ledger.db");
  ASSERT_TRUE(ledger) << ledger.error().message;
  const UnitPricer pricer;
  const std::vector<std::unique_ptr<Adapter>> adapters = all_adapters();
  ASSERT_EQ(adapters.back()->agent(), q);
  auto stats = ingest::run_ingest(**ledger, pricer, adapters, options);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_NE(std::find(stats->roots.begin(), stats->roots.end(), quill_home + "/logs"),
            stats->roots.end());
  EXPECT_EQ(stats->files_found, 1);
  EXPECT_EQ(stats->records, 2);

  // Read back from the ledger, grouped by agent.
  auto rows =
      (*ledger)->aggregate({}, store::GroupBy{.agent = true, .model = true, .local_days = {}});
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1U);
  EXPECT_EQ((*rows)[0].agent, q);
  EXPECT_EQ((*rows)[0].model, "quill-1");
  EXPECT_EQ((*rows)[0].requests, 2);
  EXPECT_EQ((*rows)[0].tokens.input, 150);

  // A report grouped by agent and model (`tally models`), filtered by the agent's name as
  // --agent does.
  auto zone = Zone::use("UTC");
  ASSERT_TRUE(zone) << zone.error().message;
  analytics::ReportQuery query;
  query.agent = parse_agent("quill");
  auto report = analytics::build_report(**ledger, analytics::Grouping::model, query, *zone);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->rows.size(), 1U);
  EXPECT_EQ(report->rows[0].agent, "quill");
  EXPECT_EQ(report->rows[0].model, "quill-1");
  EXPECT_EQ(report->rows[0].totals.requests, 2);
  EXPECT_EQ(report->rows[0].totals.tokens.input, 150);

  auto events = (*ledger)->events({});
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->size(), 2U);
  EXPECT_EQ((*events)[0].agent, q);
}

TEST(AgentRegistryTest, ALedgerRowOfAnUnknownAgentIsAnError) {
  const Agent q = quill();
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/ledger.db";
  {
    write_file(dir.path() + "/quill/logs/s1.jsonl",
               R"({"id":"r1","ts":1795000000000,"session":"s1","model":"quill-1","tokens":7})"
               "\n");
    ingest::IngestOptions options;
    options.env.vars["QUILL_HOME"] = dir.path() + "/quill";
    options.threads = 1;
    auto ledger = store::open_sqlite_ledger(path);
    ASSERT_TRUE(ledger) << ledger.error().message;
    auto stats = ingest::run_ingest(**ledger, UnitPricer(), all_adapters(), options);
    ASSERT_TRUE(stats) << stats.error().message;
    auto events = (*ledger)->events({});
    ASSERT_TRUE(events) << events.error().message;
    ASSERT_EQ(events->size(), 1U);
    EXPECT_EQ((*events)[0].agent, q);
  }
  // A tally with another agent wrote this row: its name means nothing here.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "UPDATE usage SET agent = 'nobody'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto ledger = store::open_sqlite_ledger(path);
  ASSERT_TRUE(ledger) << ledger.error().message;
  const std::string expected =
      "the ledger has a row with unknown agent 'nobody'; this tally knows claude, codex, gemini, "
      "quill";
  auto events = (*ledger)->events({});
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().message, expected);
  auto rows =
      (*ledger)->aggregate({}, store::GroupBy{.agent = true, .model = true, .local_days = {}});
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().message, expected);
  // Without the agent dimension, no agent is read: the totals stay available.
  auto totals =
      (*ledger)->aggregate({}, store::GroupBy{.agent = false, .model = true, .local_days = {}});
  ASSERT_TRUE(totals) << totals.error().message;
  ASSERT_EQ(totals->size(), 1U);
  EXPECT_EQ((*totals)[0].tokens.input, 7);
}

}  // namespace
}  // namespace tally::sources
