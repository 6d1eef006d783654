// The pipeline of scan_and_commit: see pipeline.h.

#include "ingest/pipeline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "ingest/scanner.h"
#include "ingest/timing.h"

namespace tally::ingest {
namespace {

// One scanned file, as handed from a worker to the committing thread.
struct Scanned {
  size_t index = 0;
  // A part of a long file (scanner.h PartSink): more of the same file follows.
  bool part = false;
  Result<ScanResult> result = fail(Errc::io, "not scanned");
  std::int64_t bytes = 0;  // approx_bytes() of the batch, counted against the queue
};

// Keeps one copy per record id, by the ledger's own preference, so a Claude reply written
// as several content-block lines costs one upsert, not three.
void dedupe_records(std::vector<UsageRecord>& records) {
  std::unordered_map<std::string, size_t> first;
  first.reserve(records.size());
  std::vector<UsageRecord> kept;
  kept.reserve(records.size());
  for (UsageRecord& r : records) {
    auto [it, inserted] = first.emplace(r.id, kept.size());
    if (inserted) {
      kept.push_back(std::move(r));
    } else if (better_copy(r, kept[it->second])) {
      kept[it->second] = std::move(r);
    }
  }
  records = std::move(kept);
}

// What a queued batch holds in memory, near enough to bound the queue by: a record is its
// struct, its price and ~500 bytes of strings too long to be stored inline (id, session,
// request id, project, source path, with malloc's overhead); a snapshot, a problem and a
// session's facts (tool counts, files touched) likewise.
std::int64_t approx_bytes(const store::WriteBatch& b) {
  constexpr size_t kRecord = sizeof(UsageRecord) + sizeof(pricing::Cost) + 500;
  constexpr size_t kSnapshot = sizeof(CumulativeSnapshot) + 200;
  constexpr size_t kProblem = sizeof(ParseProblem) + 200;
  constexpr size_t kFacts = sizeof(SessionFacts) + 1024;
  return static_cast<std::int64_t>(b.records.size() * kRecord + b.snapshots.size() * kSnapshot +
                                   b.problems.size() * kProblem + b.sessions.size() * kFacts +
                                   b.cursor.parser_state.size() + 2 * b.cursor.path.size());
}

// Enough queued bytes to keep the committing thread fed; more only holds more records in
// memory (at 4 GB of logs the committing thread is the slower side and the queue stays full).
constexpr std::int64_t kMaxQueuedBytes = 16LL << 20;
// Applied batches are handed to a worker to free every 64 files, or sooner for the parts of
// a long file (4 MB each): freeing is work the committing thread need not do.
constexpr size_t kMaxAppliedFiles = 64;
constexpr std::int64_t kMaxAppliedBytes = 4LL << 20;

size_t part_records_of(const IngestOptions& options) {
  size_t part_records = options.part_records > 0 ? options.part_records : kPartRecords;
  if (const char* env = std::getenv("TALLY_PART_RECORDS");
      env != nullptr && options.part_records == 0) {
    part_records = std::max<size_t>(1, std::strtoull(env, nullptr, 10));
  }
  return part_records;
}

class Pipeline {
 public:
  Pipeline(store::Ledger& ledger, const pricing::Pricer& pricer, const IngestOptions& options,
           const std::vector<ToScan>& files, IngestStats& stats)
      : ledger_(ledger),
        pricer_(pricer),
        options_(options),
        files_(files),
        stats_(stats),
        part_records_(part_records_of(options)) {}

  Status run() {
    start_workers();
    Status status = ok();
    for (size_t done = 0; done < files_.size() && status;) {
      Scanned item = take();
      if (!item.part) {
        if (options_.progress && (done % 64 == 0)) {
          options_.progress(static_cast<std::int64_t>(done),
                            static_cast<std::int64_t>(files_.size()));
        }
        ++done;  // this file's last item: its parts came before it
      }
      status = commit_item(item);
    }
    stop_workers();
    TALLY_TRY(status);
    TALLY_TRY(flush());
    if (options_.progress) {
      options_.progress(static_cast<std::int64_t>(files_.size()),
                        static_cast<std::int64_t>(files_.size()));
    }
    timing_.print();
    return ok();
  }

 private:
  // --- Workers ---

  void start_workers() {
    const unsigned hw = std::max(1U, std::thread::hardware_concurrency());
    // Nothing to read (a statusline refresh when no log changed): no thread at all, which on
    // a busy machine can take milliseconds to get a core.
    const size_t workers =
        std::min<size_t>(options_.threads > 0 ? options_.threads : hw, files_.size());
    pool_.reserve(workers);
    for (size_t w = 0; w < workers; ++w) {
      pool_.emplace_back([this] { work(); });
    }
  }

  void work() {
    ScanScratch scratch;
    for (;;) {
      const size_t i = next_.fetch_add(1);
      if (i >= files_.size()) {
        timing_.scanner_done(timing_.on ? thread_cpu() : std::chrono::nanoseconds{});
        return;
      }
      const PartSink parts = [this, i](store::WriteBatch&& batch) -> Status {
        ScanResult read;
        read.batch.emplace(std::move(batch));
        if (!enqueue(Scanned{i, /*part=*/true, std::move(read), 0})) {
          return fail(Errc::io, "the ingest stopped");
        }
        return ok();
      };
      const ToScan& f = files_[i];
      Scanned item;
      item.index = i;
      item.result = scan_file(f.file, *f.adapter, f.cursor, scratch, parts, part_records_);
      if (!enqueue(std::move(item))) {
        return;
      }
    }
  }

  // Readies a scanned batch for the committing thread (one copy per record id, the team
  // fields, prices: work done here, off that thread) and queues it, waiting for room.
  // False when the ingest is stopping.
  bool enqueue(Scanned&& item) {
    if (item.result && item.result->batch) {
      store::WriteBatch& b = *item.result->batch;
      dedupe_records(b.records);
      b.costs.clear();
      b.costs.reserve(b.records.size());
      for (UsageRecord& r : b.records) {
        r.user = options_.identity.user;
        r.machine = options_.identity.machine;
        r.team = options_.identity.team;
        b.costs.push_back(pricer_.price(r));
      }
      item.bytes = approx_bytes(b);
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (!stop_ && queued_bytes_ >= kMaxQueuedBytes) {
      const auto w0 = std::chrono::steady_clock::now();
      room_.wait(lock, [&] { return stop_ || queued_bytes_ < kMaxQueuedBytes; });
      timing_.scanners_waited += std::chrono::steady_clock::now() - w0;  // under the lock
    }
    if (stop_) {
      return false;
    }
    queued_bytes_ += item.bytes;
    queue_.push_back(std::move(item));
    ready_.notify_one();
    // Committed batches are freed here, off the committing thread (see apply()): all of
    // them, so none pile up while the scanners wait for room.
    std::vector<std::vector<store::WriteBatch>> committed;
    committed.swap(garbage_);
    lock.unlock();
    return true;
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    room_.notify_all();
    for (std::thread& t : pool_) {
      t.join();
    }
  }

  // --- The committing thread ---

  Scanned take() {
    Scanned item;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (queue_.empty()) {
        const auto w0 = std::chrono::steady_clock::now();
        ready_.wait(lock, [&] { return !queue_.empty(); });
        timing_.committer_waited += std::chrono::steady_clock::now() - w0;
      }
      item = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= item.bytes;
    }
    room_.notify_one();
    return item;
  }

  Status commit_item(Scanned& item) {
    const sources::SourceFile& file = files_[item.index].file;
    if (!item.result) {
      stats_.file_errors.push_back(ParseProblem{file.path, 0, 0, item.result.error().message});
      return ok();
    }
    if (!item.result->batch) {
      ++stats_.files_unchanged;
      return ok();
    }
    if (!item.part) {
      ++stats_.files_read;
      stats_.bytes_read += item.result->bytes_read;
      stats_.lines += item.result->lines;
    }
    store::WriteBatch& batch = *item.result->batch;
    stats_.records += static_cast<std::int64_t>(batch.records.size());
    stats_.new_problems += static_cast<std::int64_t>(batch.problems.size());
    TALLY_TRY(apply(std::move(batch), item.bytes));
    if (open_records_ >= options_.batch_records || open_files_ >= options_.batch_files) {
      return flush();
    }
    return ok();
  }

  // Batches are applied to an open write as they arrive, so the committing thread works
  // from the first file on; the write commits after every batch_records records or
  // batch_files files (few large commits: each rewrites the pages it shares with the
  // others), and at the end.
  Status apply(store::WriteBatch&& batch, std::int64_t bytes) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!open_write_) {
      auto begun = ledger_.begin_write(pricer_);
      TALLY_TRY(begun);
      open_write_ = std::move(*begun);
    }
    auto done = open_write_->apply(std::span<store::WriteBatch>(&batch, 1));
    timing_.committer_busy += std::chrono::steady_clock::now() - t0;
    TALLY_TRY(done);
    stats_.stale_batches += done->stale_batches;
    open_records_ += static_cast<std::int64_t>(batch.records.size());
    ++open_files_;
    applied_bytes_ += bytes;
    applied_.push_back(std::move(batch));
    if (applied_.size() >= kMaxAppliedFiles || applied_bytes_ >= kMaxAppliedBytes) {
      std::lock_guard<std::mutex> lock(mu_);
      garbage_.push_back(std::move(applied_));
      applied_ = {};
      applied_bytes_ = 0;
    }
    return ok();
  }

  Status flush() {
    if (!open_write_) {
      return ok();
    }
    const auto t0 = std::chrono::steady_clock::now();
    const Status committed = open_write_->commit();
    open_write_.reset();
    timing_.committer_busy += std::chrono::steady_clock::now() - t0;
    TALLY_TRY(committed);
    open_records_ = 0;
    open_files_ = 0;
    return ok();
  }

  store::Ledger& ledger_;
  const pricing::Pricer& pricer_;
  const IngestOptions& options_;
  const std::vector<ToScan>& files_;
  IngestStats& stats_;
  const size_t part_records_;
  PipelineTiming timing_;

  // Between the workers and the committing thread, under mu_.
  std::mutex mu_;
  std::condition_variable ready_;  // a scanned file is queued
  std::condition_variable room_;   // the queue has room
  std::deque<Scanned> queue_;
  std::int64_t queued_bytes_ = 0;
  bool stop_ = false;
  std::vector<std::vector<store::WriteBatch>> garbage_;  // committed, to be freed by a worker
  std::atomic<size_t> next_{0};
  std::vector<std::thread> pool_;

  // The committing thread's own.
  std::unique_ptr<store::LedgerWrite> open_write_;
  std::vector<store::WriteBatch> applied_;
  std::int64_t applied_bytes_ = 0;
  std::int64_t open_records_ = 0;
  std::int64_t open_files_ = 0;
};

}  // namespace

Status scan_and_commit(store::Ledger& ledger, const pricing::Pricer& pricer,
                       const IngestOptions& options, const std::vector<ToScan>& files,
                       IngestStats& stats) {
  Pipeline pipeline(ledger, pricer, options, files, stats);
  return pipeline.run();
}

}  // namespace tally::ingest
