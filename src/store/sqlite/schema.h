#pragma once

// The SQLite ledger's schema as an ordered list of migrations. Migration N (1-based) takes
// the ledger from version N-1 to N; the applied version is kept in PRAGMA user_version.
// Never edit a released migration: append a new one.

#include <array>
#include <string_view>

namespace tally::store {

inline constexpr std::array<std::string_view, 11> kMigrations = {
    // 1: the first ledger.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per billed model response (or unlogged spend), keyed by a stable id.
CREATE TABLE usage (
  id                TEXT PRIMARY KEY,
  agent             TEXT NOT NULL,
  kind              TEXT NOT NULL,           -- response | unlogged
  ts                INTEGER NOT NULL,        -- ms since epoch, UTC
  session_id        TEXT NOT NULL,
  parent_session_id TEXT NOT NULL,
  root_session      TEXT NOT NULL,           -- parent if any, else session
  project           TEXT NOT NULL,
  model             TEXT NOT NULL,
  effort            TEXT NOT NULL,
  speed             TEXT NOT NULL,
  service_tier      TEXT NOT NULL,
  request_id        TEXT NOT NULL,
  input_tokens      INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  output_tokens     INTEGER NOT NULL,
  reasoning_tokens  INTEGER NOT NULL,
  total_tokens      INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  reported_cost_usd REAL,                    -- the agent's own figure, if any
  cost_usd          REAL NOT NULL,           -- as priced (0 when unpriced)
  cost_source       TEXT NOT NULL,           -- computed | agent-reported | unpriced
  priced_as         TEXT NOT NULL,
  sidechain         INTEGER NOT NULL,
  source_file       TEXT NOT NULL,
  source_offset     INTEGER NOT NULL,
  source_line       INTEGER NOT NULL,
  user_name         TEXT NOT NULL,
  machine           TEXT NOT NULL,
  team              TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX usage_ts ON usage (ts);
CREATE INDEX usage_root ON usage (agent, root_session, model, ts);

-- How far each file has been read.
CREATE TABLE files (
  path         TEXT PRIMARY KEY,
  agent        TEXT NOT NULL,
  device       INTEGER NOT NULL,
  inode        INTEGER NOT NULL,
  size         INTEGER NOT NULL,
  mtime_ns     INTEGER NOT NULL,
  read_offset  INTEGER NOT NULL,
  lines        INTEGER NOT NULL,
  head_hash    INTEGER NOT NULL,
  head_len     INTEGER NOT NULL,
  parser_state TEXT NOT NULL
);

-- Agent-reported cumulative totals (Claude cost-state), per session and model.
CREATE TABLE snapshots (
  source_file   TEXT NOT NULL,
  source_offset INTEGER NOT NULL,
  model         TEXT NOT NULL,
  agent         TEXT NOT NULL,
  session_id    TEXT NOT NULL,
  ts            INTEGER NOT NULL,
  input_tokens  INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  cost_usd      REAL,
  PRIMARY KEY (source_file, source_offset, model)
);
CREATE INDEX snapshots_session ON snapshots (agent, session_id);

-- Per-file facts about sessions (see core/session_facts.h).
CREATE TABLE session_facts (
  agent         TEXT NOT NULL,
  session_id    TEXT NOT NULL,
  file_key      TEXT NOT NULL,
  path          TEXT NOT NULL,
  parent_session_id TEXT NOT NULL,
  project       TEXT NOT NULL,
  title         TEXT NOT NULL,
  first_ts      INTEGER NOT NULL,
  last_ts       INTEGER NOT NULL,
  user_prompts  INTEGER NOT NULL,
  errors        INTEGER NOT NULL,
  compactions   INTEGER NOT NULL,
  lines_added   INTEGER NOT NULL,
  lines_removed INTEGER NOT NULL,
  PRIMARY KEY (agent, session_id, file_key)
);

-- Lines and files that could not be used.
CREATE TABLE problems (
  path   TEXT NOT NULL,
  line   INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  what   TEXT NOT NULL,
  PRIMARY KEY (path, line)
);

-- Sessions whose unlogged records and cost shares must be recomputed.
CREATE TABLE dirty_sessions (
  agent      TEXT NOT NULL,
  session_id TEXT NOT NULL,
  PRIMARY KEY (agent, session_id)
);
)sql",
    // 2: data residency (priced as an uplift) and the standard-speed what-if cost. Dropping
    // the price fingerprint makes the next run reprice history, filling the new column.
    R"sql(
ALTER TABLE usage ADD COLUMN inference_geo TEXT NOT NULL DEFAULT '';
ALTER TABLE usage ADD COLUMN standard_cost_usd REAL NOT NULL DEFAULT 0;
DELETE FROM meta WHERE key = 'price_fingerprint';
)sql",
    // 3: usage becomes a rowid table with a unique id index. Rows are appended in rowid order
    // instead of being inserted at random text keys, which made cold ingests of wide rows
    // slow (page splits all over the table), and updates can address rows by rowid.
    R"sql(
CREATE TABLE usage_v3 (
  id                TEXT NOT NULL UNIQUE,
  agent             TEXT NOT NULL,
  kind              TEXT NOT NULL,
  ts                INTEGER NOT NULL,
  session_id        TEXT NOT NULL,
  parent_session_id TEXT NOT NULL,
  root_session      TEXT NOT NULL,
  project           TEXT NOT NULL,
  model             TEXT NOT NULL,
  effort            TEXT NOT NULL,
  speed             TEXT NOT NULL,
  service_tier      TEXT NOT NULL,
  request_id        TEXT NOT NULL,
  input_tokens      INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  output_tokens     INTEGER NOT NULL,
  reasoning_tokens  INTEGER NOT NULL,
  total_tokens      INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  reported_cost_usd REAL,
  cost_usd          REAL NOT NULL,
  cost_source       TEXT NOT NULL,
  priced_as         TEXT NOT NULL,
  sidechain         INTEGER NOT NULL,
  source_file       TEXT NOT NULL,
  source_offset     INTEGER NOT NULL,
  source_line       INTEGER NOT NULL,
  user_name         TEXT NOT NULL,
  machine           TEXT NOT NULL,
  team              TEXT NOT NULL,
  inference_geo     TEXT NOT NULL DEFAULT '',
  standard_cost_usd REAL NOT NULL DEFAULT 0
);
INSERT INTO usage_v3 (id, agent, kind, ts, session_id, parent_session_id, root_session, project,
  model, effort, speed, service_tier, request_id, input_tokens, cache_read_tokens,
  cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, total_tokens,
  web_search_requests, reported_cost_usd, cost_usd, cost_source, priced_as, sidechain,
  source_file, source_offset, source_line, user_name, machine, team, inference_geo,
  standard_cost_usd)
SELECT id, agent, kind, ts, session_id, parent_session_id, root_session, project,
  model, effort, speed, service_tier, request_id, input_tokens, cache_read_tokens,
  cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, total_tokens,
  web_search_requests, reported_cost_usd, cost_usd, cost_source, priced_as, sidechain,
  source_file, source_offset, source_line, user_name, machine, team, inference_geo,
  standard_cost_usd FROM usage;
DROP TABLE usage;
ALTER TABLE usage_v3 RENAME TO usage;
CREATE INDEX usage_ts ON usage (ts);
CREATE INDEX usage_root ON usage (agent, root_session, model, ts);
)sql",
    // 4: a rollup of usage by 15-minute bucket, agent, model, project and cost source, kept
    // exact by triggers in the same transactions as the records. Reports that do not split
    // by session read it instead of scanning every record: a warm run's report went from
    // ~200 ms to a few ms on a 1 GB history.
    R"sql(
CREATE TABLE usage_rollup (
  bucket       INTEGER NOT NULL,
  agent        TEXT NOT NULL,
  model        TEXT NOT NULL,
  project      TEXT NOT NULL,
  cost_source  TEXT NOT NULL,
  requests     INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost_usd     REAL NOT NULL,
  standard_cost_usd REAL NOT NULL,
  PRIMARY KEY (bucket, agent, model, project, cost_source)
) WITHOUT ROWID;
INSERT INTO usage_rollup
SELECT (ts / 900000) * 900000, agent, model, project, cost_source, COUNT(*),
  SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(cache_write_1h_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_usd), SUM(standard_cost_usd)
FROM usage GROUP BY 1, 2, 3, 4, 5;
CREATE TRIGGER usage_rollup_insert AFTER INSERT ON usage BEGIN
  INSERT INTO usage_rollup (bucket, agent, model, project, cost_source, requests, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, standard_cost_usd)
  VALUES ((NEW.ts / 900000) * 900000, NEW.agent, NEW.model, NEW.project, NEW.cost_source, 1, NEW.input_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.cache_write_1h_tokens, NEW.output_tokens, NEW.reasoning_tokens, NEW.cost_usd, NEW.standard_cost_usd)
  ON CONFLICT (bucket, agent, model, project, cost_source) DO UPDATE SET requests = requests + 1,
    input_tokens = input_tokens + excluded.input_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens, output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, cost_usd = cost_usd + excluded.cost_usd, standard_cost_usd = standard_cost_usd + excluded.standard_cost_usd;
END;
CREATE TRIGGER usage_rollup_delete AFTER DELETE ON usage BEGIN
  UPDATE usage_rollup SET requests = requests - 1,
    input_tokens = input_tokens - OLD.input_tokens, cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens - OLD.cache_write_1h_tokens, output_tokens = output_tokens - OLD.output_tokens, reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens, cost_usd = cost_usd - OLD.cost_usd, standard_cost_usd = standard_cost_usd - OLD.standard_cost_usd
  WHERE bucket = (OLD.ts / 900000) * 900000 AND agent = OLD.agent AND model = OLD.model AND project = OLD.project AND cost_source = OLD.cost_source;
END;
CREATE TRIGGER usage_rollup_update AFTER UPDATE OF ts, agent, model, project, cost_source,
  input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, standard_cost_usd ON usage BEGIN
  UPDATE usage_rollup SET requests = requests - 1,
    input_tokens = input_tokens - OLD.input_tokens, cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens - OLD.cache_write_1h_tokens, output_tokens = output_tokens - OLD.output_tokens, reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens, cost_usd = cost_usd - OLD.cost_usd, standard_cost_usd = standard_cost_usd - OLD.standard_cost_usd
  WHERE bucket = (OLD.ts / 900000) * 900000 AND agent = OLD.agent AND model = OLD.model AND project = OLD.project AND cost_source = OLD.cost_source;
  INSERT INTO usage_rollup (bucket, agent, model, project, cost_source, requests, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, standard_cost_usd)
  VALUES ((NEW.ts / 900000) * 900000, NEW.agent, NEW.model, NEW.project, NEW.cost_source, 1, NEW.input_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.cache_write_1h_tokens, NEW.output_tokens, NEW.reasoning_tokens, NEW.cost_usd, NEW.standard_cost_usd)
  ON CONFLICT (bucket, agent, model, project, cost_source) DO UPDATE SET requests = requests + 1,
    input_tokens = input_tokens + excluded.input_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens, output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, cost_usd = cost_usd + excluded.cost_usd, standard_cost_usd = standard_cost_usd + excluded.standard_cost_usd;
END;
)sql",
    // 5: new records add to the rollup from C++ (store/record_writer.h: sums per rollup row,
    // one upsert each per commit) instead of through a trigger per record, which cost a
    // third of a cold ingest's commit time. The update and delete triggers stay. Facts are
    // deleted by path when a file is read again from its start: index that.
    R"sql(
DROP TRIGGER usage_rollup_insert;
CREATE INDEX session_facts_path ON session_facts (path);
)sql",
    // 6: session anatomy facts (core/session_facts.h): commands, responses, tool calls by
    // name, the kinds the anatomy singles out, files edits touched, and the size of each
    // compaction. List values are text in core/session_facts.h's encodings. Cursors are
    // dropped so that the next run reads every file again and fills them; records, snapshots
    // and facts are upserted by their keys, so nothing is counted twice.
    R"sql(
ALTER TABLE session_facts ADD COLUMN commands INTEGER NOT NULL DEFAULT 0;
ALTER TABLE session_facts ADD COLUMN responses INTEGER NOT NULL DEFAULT 0;
ALTER TABLE session_facts ADD COLUMN compaction_tokens TEXT NOT NULL DEFAULT '';
ALTER TABLE session_facts ADD COLUMN tool_calls TEXT NOT NULL DEFAULT '';
ALTER TABLE session_facts ADD COLUMN edit_calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE session_facts ADD COLUMN shell_calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE session_facts ADD COLUMN web_searches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE session_facts ADD COLUMN web_fetches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE session_facts ADD COLUMN files_touched TEXT NOT NULL DEFAULT '';
ALTER TABLE session_facts ADD COLUMN files_touched_more INTEGER NOT NULL DEFAULT 0;
DELETE FROM files;
)sql",
    // 7: every run loads every file's cursor (without its parser state) to find the files
    // that changed. The parser state, ~0.8 kB a file, sits in the same rows, so that scan read
    // seven times the pages it needed; an index holding the columns it reads answers it alone.
    R"sql(
CREATE INDEX files_cursor ON files (path, agent, device, inode, size, mtime_ns, read_offset,
  lines, head_hash, head_len);
)sql",
    // 8: sources beyond this machine's files (issue 16). Cursors, snapshots, facts and
    // problems are keyed by machine as well as path (an empty machine is this one); streams
    // (OTLP exporters, pushed ledgers) keep the last sequence applied; the rollup keeps who
    // (user, machine, team), so team reports read it too. Tables are rebuilt with their new
    // keys and every row copied: nothing is read again, nothing lost.
    R"sql(
CREATE TABLE files_v8 (
  machine      TEXT NOT NULL,
  path         TEXT NOT NULL,
  agent        TEXT NOT NULL,
  device       INTEGER NOT NULL,
  inode        INTEGER NOT NULL,
  size         INTEGER NOT NULL,
  mtime_ns     INTEGER NOT NULL,
  read_offset  INTEGER NOT NULL,
  lines        INTEGER NOT NULL,
  head_hash    INTEGER NOT NULL,
  head_len     INTEGER NOT NULL,
  parser_state TEXT NOT NULL,
  PRIMARY KEY (machine, path)
);
INSERT INTO files_v8 SELECT '', path, agent, device, inode, size, mtime_ns, read_offset, lines,
  head_hash, head_len, parser_state FROM files;
DROP TABLE files;
ALTER TABLE files_v8 RENAME TO files;
CREATE INDEX files_cursor ON files (machine, path, agent, device, inode, size, mtime_ns,
  read_offset, lines, head_hash, head_len);

CREATE TABLE snapshots_v8 (
  machine       TEXT NOT NULL,
  source_file   TEXT NOT NULL,
  source_offset INTEGER NOT NULL,
  model         TEXT NOT NULL,
  agent         TEXT NOT NULL,
  session_id    TEXT NOT NULL,
  ts            INTEGER NOT NULL,
  input_tokens  INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  cost_usd      REAL,
  PRIMARY KEY (machine, source_file, source_offset, model)
);
INSERT INTO snapshots_v8 SELECT '', source_file, source_offset, model, agent, session_id, ts,
  input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens,
  reasoning_tokens, web_search_requests, cost_usd FROM snapshots;
DROP TABLE snapshots;
ALTER TABLE snapshots_v8 RENAME TO snapshots;
CREATE INDEX snapshots_session ON snapshots (agent, session_id);

CREATE TABLE session_facts_v8 (
  machine       TEXT NOT NULL,
  agent         TEXT NOT NULL,
  session_id    TEXT NOT NULL,
  file_key      TEXT NOT NULL,
  path          TEXT NOT NULL,
  parent_session_id TEXT NOT NULL,
  project       TEXT NOT NULL,
  title         TEXT NOT NULL,
  first_ts      INTEGER NOT NULL,
  last_ts       INTEGER NOT NULL,
  user_prompts  INTEGER NOT NULL,
  errors        INTEGER NOT NULL,
  compactions   INTEGER NOT NULL,
  lines_added   INTEGER NOT NULL,
  lines_removed INTEGER NOT NULL,
  commands      INTEGER NOT NULL,
  responses     INTEGER NOT NULL,
  compaction_tokens TEXT NOT NULL,
  tool_calls    TEXT NOT NULL,
  edit_calls    INTEGER NOT NULL,
  shell_calls   INTEGER NOT NULL,
  web_searches  INTEGER NOT NULL,
  web_fetches   INTEGER NOT NULL,
  files_touched TEXT NOT NULL,
  files_touched_more INTEGER NOT NULL,
  PRIMARY KEY (machine, agent, session_id, file_key)
);
INSERT INTO session_facts_v8 SELECT '', agent, session_id, file_key, path, parent_session_id,
  project, title, first_ts, last_ts, user_prompts, errors, compactions, lines_added,
  lines_removed, commands, responses, compaction_tokens, tool_calls, edit_calls, shell_calls,
  web_searches, web_fetches, files_touched, files_touched_more FROM session_facts;
DROP TABLE session_facts;
ALTER TABLE session_facts_v8 RENAME TO session_facts;
CREATE INDEX session_facts_path ON session_facts (machine, path);

CREATE TABLE problems_v8 (
  machine TEXT NOT NULL,
  path    TEXT NOT NULL,
  line    INTEGER NOT NULL,
  offset  INTEGER NOT NULL,
  what    TEXT NOT NULL,
  PRIMARY KEY (machine, path, line)
);
INSERT INTO problems_v8 SELECT '', path, line, offset, what FROM problems;
DROP TABLE problems;
ALTER TABLE problems_v8 RENAME TO problems;

CREATE TABLE streams (
  machine  TEXT NOT NULL,
  source   TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  PRIMARY KEY (machine, source)
);

DROP TRIGGER usage_rollup_delete;
DROP TRIGGER usage_rollup_update;
DROP TABLE usage_rollup;
CREATE TABLE usage_rollup (
  bucket       INTEGER NOT NULL,
  agent        TEXT NOT NULL,
  model        TEXT NOT NULL,
  project      TEXT NOT NULL,
  cost_source  TEXT NOT NULL,
  user_name    TEXT NOT NULL,
  machine      TEXT NOT NULL,
  team         TEXT NOT NULL,
  requests     INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost_usd     REAL NOT NULL,
  standard_cost_usd REAL NOT NULL,
  PRIMARY KEY (bucket, agent, model, project, cost_source, user_name, machine, team)
) WITHOUT ROWID;
INSERT INTO usage_rollup
SELECT (ts / 900000) * 900000, agent, model, project, cost_source, user_name, machine, team,
  COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),
  SUM(cache_write_1h_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_usd),
  SUM(standard_cost_usd)
FROM usage GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
CREATE TRIGGER usage_rollup_delete AFTER DELETE ON usage BEGIN
  UPDATE usage_rollup SET requests = requests - 1, input_tokens = input_tokens - OLD.input_tokens, cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens - OLD.cache_write_1h_tokens, output_tokens = output_tokens - OLD.output_tokens, reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens, cost_usd = cost_usd - OLD.cost_usd, standard_cost_usd = standard_cost_usd - OLD.standard_cost_usd
  WHERE bucket = (OLD.ts / 900000) * 900000 AND agent = OLD.agent AND model = OLD.model AND project = OLD.project AND cost_source = OLD.cost_source AND user_name = OLD.user_name AND machine = OLD.machine AND team = OLD.team;
END;
CREATE TRIGGER usage_rollup_update AFTER UPDATE OF ts, agent, model, project, cost_source,
  user_name, machine, team, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, standard_cost_usd ON usage BEGIN
  UPDATE usage_rollup SET requests = requests - 1, input_tokens = input_tokens - OLD.input_tokens, cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens - OLD.cache_write_1h_tokens, output_tokens = output_tokens - OLD.output_tokens, reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens, cost_usd = cost_usd - OLD.cost_usd, standard_cost_usd = standard_cost_usd - OLD.standard_cost_usd
  WHERE bucket = (OLD.ts / 900000) * 900000 AND agent = OLD.agent AND model = OLD.model AND project = OLD.project AND cost_source = OLD.cost_source AND user_name = OLD.user_name AND machine = OLD.machine AND team = OLD.team;
  INSERT INTO usage_rollup (bucket, agent, model, project, cost_source, user_name, machine, team, requests, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, standard_cost_usd)
  VALUES ((NEW.ts / 900000) * 900000, NEW.agent, NEW.model, NEW.project, NEW.cost_source, NEW.user_name, NEW.machine, NEW.team, 1, NEW.input_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.cache_write_1h_tokens, NEW.output_tokens, NEW.reasoning_tokens, NEW.cost_usd, NEW.standard_cost_usd)
  ON CONFLICT (bucket, agent, model, project, cost_source, user_name, machine, team) DO UPDATE SET requests = requests + 1, input_tokens = input_tokens + excluded.input_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens, output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, cost_usd = cost_usd + excluded.cost_usd, standard_cost_usd = standard_cost_usd + excluded.standard_cost_usd;
END;
)sql",
    // 9: an update of a record's price alone (reconcile's spread of agent-reported costs,
    // repricing) moves the row's sums in the rollup from C++ (store/sqlite/record_writer.h
    // recost(): summed per rollup row, one upsert each per flush) instead of through the update
    // trigger, which cost ~4x the update itself. The trigger now fires only when a record's
    // keys or tokens change (a better copy replacing a stored one).
    R"sql(
DROP TRIGGER usage_rollup_update;
CREATE TRIGGER usage_rollup_update AFTER UPDATE OF ts, agent, model, project, user_name,
  machine, team, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
  output_tokens, reasoning_tokens ON usage BEGIN
  UPDATE usage_rollup SET requests = requests - 1, input_tokens = input_tokens - OLD.input_tokens, cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens - OLD.cache_write_1h_tokens, output_tokens = output_tokens - OLD.output_tokens, reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens, cost_usd = cost_usd - OLD.cost_usd, standard_cost_usd = standard_cost_usd - OLD.standard_cost_usd
  WHERE bucket = (OLD.ts / 900000) * 900000 AND agent = OLD.agent AND model = OLD.model AND project = OLD.project AND cost_source = OLD.cost_source AND user_name = OLD.user_name AND machine = OLD.machine AND team = OLD.team;
  INSERT INTO usage_rollup (bucket, agent, model, project, cost_source, user_name, machine, team, requests, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, standard_cost_usd)
  VALUES ((NEW.ts / 900000) * 900000, NEW.agent, NEW.model, NEW.project, NEW.cost_source, NEW.user_name, NEW.machine, NEW.team, 1, NEW.input_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.cache_write_1h_tokens, NEW.output_tokens, NEW.reasoning_tokens, NEW.cost_usd, NEW.standard_cost_usd)
  ON CONFLICT (bucket, agent, model, project, cost_source, user_name, machine, team) DO UPDATE SET requests = requests + 1, input_tokens = input_tokens + excluded.input_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens, output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, cost_usd = cost_usd + excluded.cost_usd, standard_cost_usd = standard_cost_usd + excluded.standard_cost_usd;
END;
)sql",
    // 10: the rollup counts the requests that ran in fast mode or at priority processing
    // (core/usage.h in_fast_mode; kFastModeSql below), for every report's fast-mode share
    // (issue 17). Existing rows are counted once from the records; the triggers keep it.
    // The update trigger also fires when a copy's speed or service tier changes.
    R"sql(
ALTER TABLE usage_rollup ADD COLUMN fast_requests INTEGER NOT NULL DEFAULT 0;
UPDATE usage_rollup SET fast_requests = fast.n
FROM (SELECT (ts / 900000) * 900000 AS bucket, agent, model, project, cost_source, user_name,
        machine, team, COUNT(*) AS n
      FROM usage WHERE lower(speed) = 'fast' OR lower(service_tier) = 'priority'
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) AS fast
WHERE usage_rollup.bucket = fast.bucket AND usage_rollup.agent = fast.agent
  AND usage_rollup.model = fast.model AND usage_rollup.project = fast.project
  AND usage_rollup.cost_source = fast.cost_source AND usage_rollup.user_name = fast.user_name
  AND usage_rollup.machine = fast.machine AND usage_rollup.team = fast.team;
DROP TRIGGER usage_rollup_delete;
DROP TRIGGER usage_rollup_update;
CREATE TRIGGER usage_rollup_delete AFTER DELETE ON usage BEGIN
  UPDATE usage_rollup SET requests = requests - 1, input_tokens = input_tokens - OLD.input_tokens, cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens - OLD.cache_write_1h_tokens, output_tokens = output_tokens - OLD.output_tokens, reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens, cost_usd = cost_usd - OLD.cost_usd, standard_cost_usd = standard_cost_usd - OLD.standard_cost_usd, fast_requests = fast_requests - (lower(OLD.speed) = 'fast' OR lower(OLD.service_tier) = 'priority')
  WHERE bucket = (OLD.ts / 900000) * 900000 AND agent = OLD.agent AND model = OLD.model AND project = OLD.project AND cost_source = OLD.cost_source AND user_name = OLD.user_name AND machine = OLD.machine AND team = OLD.team;
END;
CREATE TRIGGER usage_rollup_update AFTER UPDATE OF ts, agent, model, project, user_name,
  machine, team, speed, service_tier, input_tokens, cache_read_tokens, cache_write_tokens,
  cache_write_1h_tokens, output_tokens, reasoning_tokens ON usage BEGIN
  UPDATE usage_rollup SET requests = requests - 1, input_tokens = input_tokens - OLD.input_tokens, cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens, cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens - OLD.cache_write_1h_tokens, output_tokens = output_tokens - OLD.output_tokens, reasoning_tokens = reasoning_tokens - OLD.reasoning_tokens, cost_usd = cost_usd - OLD.cost_usd, standard_cost_usd = standard_cost_usd - OLD.standard_cost_usd, fast_requests = fast_requests - (lower(OLD.speed) = 'fast' OR lower(OLD.service_tier) = 'priority')
  WHERE bucket = (OLD.ts / 900000) * 900000 AND agent = OLD.agent AND model = OLD.model AND project = OLD.project AND cost_source = OLD.cost_source AND user_name = OLD.user_name AND machine = OLD.machine AND team = OLD.team;
  INSERT INTO usage_rollup (bucket, agent, model, project, cost_source, user_name, machine, team, requests, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, standard_cost_usd, fast_requests)
  VALUES ((NEW.ts / 900000) * 900000, NEW.agent, NEW.model, NEW.project, NEW.cost_source, NEW.user_name, NEW.machine, NEW.team, 1, NEW.input_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.cache_write_1h_tokens, NEW.output_tokens, NEW.reasoning_tokens, NEW.cost_usd, NEW.standard_cost_usd, (lower(NEW.speed) = 'fast' OR lower(NEW.service_tier) = 'priority'))
  ON CONFLICT (bucket, agent, model, project, cost_source, user_name, machine, team) DO UPDATE SET requests = requests + 1, input_tokens = input_tokens + excluded.input_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, cache_write_1h_tokens = cache_write_1h_tokens + excluded.cache_write_1h_tokens, output_tokens = output_tokens + excluded.output_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, cost_usd = cost_usd + excluded.cost_usd, standard_cost_usd = standard_cost_usd + excluded.standard_cost_usd, fast_requests = fast_requests + excluded.fast_requests;
END;
)sql",
    // 11: the commits and pull requests a session's own output shows (core/session_facts.h
    // GitMark, issue 18), kept with its other facts.
    R"sql(
ALTER TABLE session_facts ADD COLUMN git_marks TEXT NOT NULL DEFAULT '';
ALTER TABLE session_facts ADD COLUMN git_marks_more INTEGER NOT NULL DEFAULT 0;
)sql",
};

// The rule of core/usage.h in_fast_mode() over a `usage` row, for queries that count fast-mode
// requests from the records (migration 10 spells it inside its triggers).
inline constexpr std::string_view kFastModeSql =
    "(lower(speed) = 'fast' OR lower(service_tier) = 'priority')";

}  // namespace tally::store
