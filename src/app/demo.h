#pragma once

// `tally demo`: a synthetic month of agent logs in a ledger of its own, so a newcomer can
// see every view before they have logs of their own.
//
// The logs come from the benchmark's generator in its heavy-user profile (demo/corpus.h: a
// heavy user's month, about $10k and 11B tokens, mostly cache reads; Claude with sub-agents
// and compactions, Codex with sub-agent threads, Gemini; busy days with 10-15 sessions in
// flight, fast-mode days, a few projects, some of them git worktrees of one repository) and
// are written to <data_dir>/demo/logs, a fake HOME (the projects' checkouts under src/); the
// demo ledger is <data_dir>/demo/ledger.db. The demo's user is on plans (kDemoPlans). They are then
// ingested through the normal path (prepare() with `demo`), so every view (session anatomy
// included) reads them exactly as it would read real logs. The user's own ledger is never opened.

#include <cstdint>
#include <string>
#include <string_view>

#include "app/context.h"
#include "core/result.h"
#include "core/time.h"

namespace tally::app {

// The demo user's subscriptions, in the config's `plan` syntax (pricing/plans.h). Reports on
// the demo set its API-equivalent cost next to these, whatever the user's own config says:
// the user's plans are about the user's usage, not the demo's.
inline constexpr std::string_view kDemoPlans =
    "plan = [\"claude-max-20x\", \"chatgpt-pro\", \"google-ai-pro\"]\n";

// The size of the demo's logs that holds that month (the bytes of a request are those of
// real logs, so the size follows the requests: about 3.5 kB each).
inline constexpr std::uint64_t kDefaultDemoMb = 128;

struct DemoRequest {
  bool reset = false;                 // remove the demo's ledger and logs, and write new logs
  std::uint64_t mb = kDefaultDemoMb;  // the size of new logs in MiB
  std::uint64_t seed = 1;             // same seed, same logs
  std::uint64_t days = 30;            // new logs spread over the last `days` days
  TimeMs end = 0;                     // the newest time in new logs; 0 = now (TALLY_NOW when
                                      // set, app/clock.h), to the minute
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
