#include "app/status.h"

#include <fmt/format.h>

#include <cstdlib>
#include <optional>

#include "app/clock.h"
#include "app/context.h"
#include "ingest/refresh.h"
#include "ingest/timing.h"
#include "sources/adapter.h"

namespace tally::app {
namespace {

// TALLY_TIMING=1 (as ingest's phases): what the refresh decided.
void explain(const ingest::RefreshPlan& plan) {
  const char* timing = std::getenv("TALLY_TIMING");
  if (timing == nullptr || *timing == '\0') {
    return;
  }
  if (plan.walk_all) {
    fmt::print(stderr, "tally: timing: refresh: full walk ({})\n", plan.reason);
  } else {
    fmt::print(stderr, "tally: timing: refresh: {} recent file(s), {} changed\n", plan.looked_at,
               plan.changed.size());
  }
}

// Reads what changed across every session into the ledger: the recent files only, or
// everything as a full run does when ingest::plan_refresh says so.
Status refresh(Context& ctx, const sources::HookInput& hook) {
  const auto adapters = sources::all_adapters();
  ingest::IngestOptions io = ingest_options(ctx.config, /*demo=*/false);
  const std::string ledger = ledger_path(ctx.config);
  const std::int64_t started = ingest::realtime_ns();
  auto plan = ingest::plan_refresh(*ctx.ledger, adapters, io.env,
                                   sources::session_files(hook.transcript_path),
                                   ingest::last_walk(ledger), started);
  TALLY_TRY(plan);
  explain(*plan);
  if (!plan->walk_all) {
    if (plan->changed.empty()) {
      return ok();
    }
    io.only_files = std::move(plan->changed);
    io.threads = 1;  // a few files: a thread would wait longer for a core than it saves
  }
  auto stats = ingest::run_ingest(*ctx.ledger, *ctx.pricer, adapters, io);
  TALLY_TRY(stats);
  if (plan->walk_all) {
    ingest::mark_walk(ledger, started);
  }
  return ok();
}

}  // namespace

Result<analytics::StatusFacts> session_status(const sources::HookInput& hook) {
  ContextOptions co;
  co.no_ingest = true;
  co.map_reads = true;  // a status line reads a session's records and reads them often
  std::optional<ingest::PhaseTimer> timer("prepare");
  auto ctx = prepare(co);
  TALLY_TRY(ctx);
  timer.emplace("refresh");
  if (!ctx->ledger->read_only()) {
    TALLY_TRY(refresh(*ctx, hook));
  }
  timer.emplace("gather");
  return analytics::gather_status(*ctx->ledger, *ctx->zone, hook, now_ms());
}

}  // namespace tally::app
