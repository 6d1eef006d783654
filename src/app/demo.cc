#include "app/demo.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "app/clock.h"
#include "app/config.h"
#include "demo/corpus.h"

namespace tally::app {
namespace {

namespace fs = std::filesystem;

// Removes the demo ledger (and SQLite's side files) and the generated logs. Only paths
// inside `dir` (= <data_dir>/demo) are touched.
Status remove_demo(const std::string& dir) {
  std::error_code ec;
  for (const char* name : {"ledger.db", "ledger.db-wal", "ledger.db-shm", "ledger.db-journal",
                           "ledger.db-firstload"}) {
    fs::remove(fs::path(dir) / name, ec);
    if (ec) {
      return fail(Errc::io, fmt::format("cannot remove {}/{}: {}", dir, name, ec.message()));
    }
  }
  fs::remove_all(fs::path(dir) / "logs", ec);
  if (ec) {
    return fail(Errc::io, fmt::format("cannot remove {}/logs: {}", dir, ec.message()));
  }
  return {};
}

// Writes a synthetic history into `logs`, progress to `writing`.
Status write_logs(const std::string& logs, const DemoRequest& request, const Observer& writing) {
  demo::CorpusOptions co;
  co.out = logs;
  co.mb = request.mb;
  co.seed = request.seed;
  co.days = request.days;
  co.profile = demo::Profile::heavy_user;
  // A month ending now (to the minute), so "today" and the active block have data; TALLY_NOW
  // pins it, as it pins the reports, so a demo can be reproduced.
  auto now = view_now();
  TALLY_TRY(now);
  co.end = request.end != 0 ? request.end : *now / 60'000 * 60'000;
  if (writing.progress) {
    co.progress = [&writing](std::uint64_t done, std::uint64_t total) {
      writing.progress(static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
    };
  }
  auto manifest = demo::generate_corpus(co);
  if (writing.progress && writing.done) {
    writing.done();
  }
  TALLY_TRY(manifest);
  return ok();
}

// The session with the largest cost, by the first 8 characters of its id (which
// `tally session` matches as a prefix); "" when there is none.
std::string biggest_session(store::Ledger& ledger) {
  store::GroupBy g;
  g.root_session = true;
  auto rows = ledger.aggregate(store::RecordFilter{}, g);
  if (!rows || rows->empty()) {
    return "";
  }
  const auto it = std::max_element(rows->begin(), rows->end(),
                                   [](const store::AggregateRow& a, const store::AggregateRow& b) {
                                     return a.cost_usd < b.cost_usd;
                                   });
  return it->session.substr(0, 8);
}

}  // namespace

Result<Demo> open_demo(const DemoRequest& request, const Observer& writing,
                       const Observer& reading) {
  auto config = load_config();
  TALLY_TRY(config);
  Demo out;
  out.dir = demo_dir(*config);
  out.logs = out.dir + "/logs";
  const bool exists = fs::exists(out.logs);
  if (exists && request.reset) {
    TALLY_TRY(remove_demo(out.dir));
  }
  out.created = !exists || request.reset;
  if (out.created) {
    TALLY_TRY(make_dirs(out.dir));
    TALLY_TRY(write_logs(out.logs, request, writing));
  }
  ContextOptions co;
  co.demo = true;
  auto ctx = prepare(co, reading);
  TALLY_TRY(ctx);
  out.ctx = std::move(*ctx);
  auto records = out.ctx.ledger->record_count();
  TALLY_TRY(records);
  out.records = *records;
  out.biggest_session = biggest_session(*out.ctx.ledger);
  return out;
}

}  // namespace tally::app
