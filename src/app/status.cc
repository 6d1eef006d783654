#include "app/status.h"

#include "app/clock.h"
#include "app/context.h"
#include "sources/adapter.h"

namespace tally::app {

Result<analytics::StatusFacts> session_status(const sources::HookInput& hook) {
  ContextOptions co;
  co.no_ingest = true;
  co.map_reads = true;  // a status line reads a session's records and reads them often
  auto ctx = prepare(co);
  TALLY_TRY(ctx);
  ingest::IngestOptions io = ingest_options(ctx->config, /*demo=*/false);
  io.only_files = sources::session_files(hook.transcript_path);
  if (!io.only_files.empty() && !ctx->ledger->read_only()) {
    io.threads = 1;
    auto stats = ingest::run_ingest(*ctx->ledger, *ctx->pricer, sources::all_adapters(), io);
    TALLY_TRY(stats);
  }
  return analytics::gather_status(*ctx->ledger, *ctx->zone, hook, now_ms());
}

}  // namespace tally::app
