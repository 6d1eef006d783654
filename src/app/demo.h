#pragma once

// `tally demo`: a synthetic month of agent logs in a ledger of its own, so a newcomer can
// see every view before they have logs of their own.
//
// The logs come from the benchmark's generator (demo/corpus.h: Claude with sub-agents and
// compactions, Codex with sub-agent threads, Gemini; many projects and sessions, some of them
// overlapping) and are written to <data_dir>/demo/logs, a fake HOME; the demo ledger is
// <data_dir>/demo/ledger.db. They are then ingested through the normal path (prepare() with
// `demo`), so every view (session anatomy included) reads them exactly as it would read
// real logs. The user's own ledger is never opened.

#include <cstdint>
#include <string>

#include "app/context.h"
#include "core/result.h"
#include "core/time.h"

namespace tally::app {

struct DemoRequest {
  bool reset = false;       // remove the demo's ledger and logs, and write new logs
  std::uint64_t mb = 40;    // the size of new logs in MiB
  std::uint64_t seed = 1;   // same seed, same logs
  std::uint64_t days = 30;  // new logs spread over the last `days` days
  TimeMs end = 0;           // the newest time in new logs; 0 = now, to the minute
};

struct Demo {
  Context ctx;           // the demo ledger, ingested
  std::string dir;       // <data_dir>/demo
  std::string logs;      // its fake HOME
  bool created = false;  // the logs were written by this call
  std::int64_t records = 0;
  std::string biggest_session;  // the costliest session's id, its first 8 characters
};

// Writes the demo's logs unless they exist (with `reset`, removes the demo first and
// always writes them), then opens the demo ledger and ingests them. The progress of writing
// the logs goes to `writing`; that of the ingest, and the note that the data is synthetic,
// to `reading`. Fails when the demo cannot be removed or written, or as prepare() does.
Result<Demo> open_demo(const DemoRequest& request, const Observer& writing,
                       const Observer& reading);

}  // namespace tally::app
