#include "ingest/ingest.h"

#include <fmt/format.h>

#include <set>

#include "ingest/scanner.h"

namespace tally::ingest {

Result<IngestStats> run_ingest(store::Ledger& ledger, const pricing::Pricer& pricer,
                               const std::vector<std::unique_ptr<sources::Adapter>>& adapters,
                               const IngestOptions& options) {
  IngestStats stats;
  auto repriced = ledger.reprice_if_needed(pricer);
  TALLY_TRY(repriced);
  stats.repriced = *repriced;

  // Discovery. A file reached twice (a root listed twice, symlinks) is read once.
  std::vector<sources::SourceFile> files;
  std::vector<const sources::Adapter*> owner;
  std::set<std::string> seen;
  for (const auto& adapter : adapters) {
    for (std::string& root : adapter->roots(options.env)) {
      stats.roots.push_back(std::move(root));
    }
    std::vector<sources::SourceFile> found;
    adapter->discover(options.env, found);
    for (sources::SourceFile& f : found) {
      if (seen.insert(f.path).second) {
        files.push_back(std::move(f));
        owner.push_back(adapter.get());
      }
    }
  }
  stats.files_found = static_cast<std::int64_t>(files.size());

  std::vector<store::FileBatch> pending;
  std::int64_t pending_records = 0;
  auto flush = [&]() -> Status {
    if (pending.empty()) {
      return ok();
    }
    auto committed = ledger.commit(pending, pricer);
    TALLY_TRY(committed);
    stats.stale_batches += committed->stale_batches;
    pending.clear();
    pending_records = 0;
    return ok();
  };

  for (size_t i = 0; i < files.size(); ++i) {
    if (options.progress && (i % 64 == 0)) {
      options.progress(static_cast<std::int64_t>(i), stats.files_found);
    }
    const sources::SourceFile& file = files[i];
    auto stored = ledger.cursor(file.path);
    TALLY_TRY(stored);
    auto scanned = scan_file(file, *owner[i], *stored);
    if (!scanned) {
      stats.file_errors.push_back(ParseProblem{file.path, 0, 0, scanned.error().message});
      continue;
    }
    if (!scanned->batch) {
      ++stats.files_unchanged;
      continue;
    }
    ++stats.files_read;
    stats.bytes_read += scanned->bytes_read;
    stats.lines += scanned->lines;
    store::FileBatch& batch = *scanned->batch;
    for (UsageRecord& r : batch.records) {
      r.user = options.identity.user;
      r.machine = options.identity.machine;
      r.team = options.identity.team;
    }
    stats.records += static_cast<std::int64_t>(batch.records.size());
    stats.new_problems += static_cast<std::int64_t>(batch.problems.size());
    pending_records += static_cast<std::int64_t>(batch.records.size());
    pending.push_back(std::move(batch));
    if (pending_records >= options.batch_records ||
        static_cast<std::int64_t>(pending.size()) >= options.batch_files) {
      TALLY_TRY(flush());
    }
  }
  TALLY_TRY(flush());
  if (options.progress) {
    options.progress(stats.files_found, stats.files_found);
  }
  auto settled = ledger.reconcile(pricer);
  TALLY_TRY(settled);
  stats.sessions_settled = *settled;
  return stats;
}

}  // namespace tally::ingest
