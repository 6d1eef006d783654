#pragma once

// A ledger kept current while the agents write (`tally watch`; a server's live view would
// do the same): sleep on the agents' log directories (sources/dir_watcher.h: inotify, or
// polling where it is unavailable) and, when they change, run an ordinary incremental
// ingest (stat-only for unchanged files, new lines only).

#include <memory>
#include <vector>

#include "app/context.h"
#include "ingest/ingest.h"
#include "sources/adapter.h"
#include "sources/dir_watcher.h"

namespace tally::app {

class LiveIngest {
 public:
  // Watches the log directories of `ctx` (the demo's fake HOME for a demo context); looks
  // every `poll_ms` where inotify is unavailable. `ctx` must outlive this.
  LiveIngest(Context& ctx, int poll_ms);

  // Sleeps until the logs change, `timeout_ms` pass, or `stop_fd` (may be -1) is readable;
  // see sources::DirWatcher::wait.
  sources::DirWatcher::Wake wait(int timeout_ms, int debounce_ms, int stop_fd) {
    return watcher_.wait(timeout_ms, debounce_ms, stop_fd);
  }

  // Reads what is new into the context's ledger. Fails only when the ledger cannot be
  // written.
  Result<ingest::IngestStats> ingest();

 private:
  Context& ctx_;
  ingest::IngestOptions options_;
  std::vector<std::unique_ptr<sources::Adapter>> adapters_;
  sources::DirWatcher watcher_;
};

}  // namespace tally::app
