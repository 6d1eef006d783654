#include "app/live_ingest.h"

#include <string>

namespace tally::app {
namespace {

// Every directory the adapters look in under `env`.
std::vector<std::string> log_roots(const std::vector<std::unique_ptr<sources::Adapter>>& adapters,
                                   const sources::DiscoveryEnv& env) {
  std::vector<std::string> roots;
  for (const auto& a : adapters) {
    for (const std::string& r : a->roots(env)) {
      roots.push_back(r);
    }
  }
  return roots;
}

}  // namespace

LiveIngest::LiveIngest(Context& ctx, int poll_ms)
    : ctx_(ctx),
      options_(ingest_options(ctx.config, ctx.demo)),
      adapters_(sources::all_adapters()),
      watcher_(log_roots(adapters_, options_.env), poll_ms) {}

Result<ingest::IngestStats> LiveIngest::ingest() {
  if (ctx_.ledger->read_only()) {
    return ingest::IngestStats{};  // a ledger this user may not write: shown as it is
  }
  return ingest::run_ingest(*ctx_.ledger, *ctx_.pricer, adapters_, options_);
}

}  // namespace tally::app
