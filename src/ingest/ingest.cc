// One ingest run.
//
// Threads: `workers` threads scan files (open, read new bytes, parse) in parallel, each
// with its own ScanScratch; the calling thread alone talks to the ledger, applying batches
// to an open write transaction as they arrive and committing every batch_records records.
// The queue between them is bounded by bytes of pending records, so memory stays flat
// however large the history is; parsing of the next files overlaps the SQLite writes of
// the previous ones.
//
// Order does not matter for correctness: records are upserted by stable id with a
// deterministic preference (core/usage.h better_copy), and reconciliation runs once at the
// end over the sessions every commit marked dirty.

#include "ingest/ingest.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "ingest/scanner.h"

namespace tally::ingest {
namespace {

// TALLY_TIMING=1 prints how long each phase of an ingest took to stderr (mold's Timer idea):
// the cheapest way to see where a slow run goes.
class PhaseTimer {
 public:
  explicit PhaseTimer(const char* name)
      : name_(name),
        on_(std::getenv("TALLY_TIMING") != nullptr),
        start_(std::chrono::steady_clock::now()) {}
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;
  ~PhaseTimer() {
    if (on_) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start_)
                          .count();
      fmt::print(stderr, "tally: timing: {:<12} {:>9.3f} ms\n", name_,
                 static_cast<double>(us) / 1000.0);
    }
  }

 private:
  const char* name_;
  bool on_;
  std::chrono::steady_clock::time_point start_;
};

// CPU time used so far by the calling thread.
std::chrono::nanoseconds thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

double ms(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// What TALLY_TIMING says about the scan+commit phase's threads: which side waited for the
// other, and whether the scanners finished long before the committing thread (a commit
// tail the second core cannot help with).
struct PipelineTiming {
  bool on = std::getenv("TALLY_TIMING") != nullptr;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::mutex mu;
  std::chrono::nanoseconds scanners_cpu{};
  std::chrono::nanoseconds scanners_waited{};   // for room in the queue (under its lock)
  std::chrono::nanoseconds scanners_done{};     // since start, when the last one finished
  std::chrono::nanoseconds committer_waited{};  // for a scanned file
  std::chrono::nanoseconds committer_busy{};    // applying batches and committing

  void scanner_done(std::chrono::nanoseconds cpu) {
    if (on) {
      const std::lock_guard<std::mutex> lock(mu);
      scanners_cpu += cpu;
      scanners_done = std::chrono::steady_clock::now() - start;
    }
  }
  void print() const {
    if (on) {
      fmt::print(stderr,
                 "tally: timing: (committer {:.3f} ms busy, {:.3f} ms waiting for files; "
                 "scanners {:.3f} ms of CPU, {:.3f} ms waiting for queue room, done at "
                 "{:.3f} ms)\n",
                 ms(committer_busy), ms(committer_waited), ms(scanners_cpu), ms(scanners_waited),
                 ms(scanners_done));
    }
  }
};

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

}  // namespace

Result<IngestStats> run_ingest(store::Ledger& ledger, const pricing::Pricer& pricer,
                               const std::vector<std::unique_ptr<sources::Adapter>>& adapters,
                               const IngestOptions& options) {
  IngestStats stats;
  std::optional<PhaseTimer> phase;
  phase.emplace("reprice");
  auto repriced = ledger.reprice_if_needed(pricer);
  TALLY_TRY(repriced);
  stats.repriced = *repriced;
  phase.emplace("discover");

  // Discovery, in a stable order (sorted by path) so the same file always gets the same
  // cursor. A file reached twice (a root listed twice, symlinks) is read once: by device and
  // inode, first path wins. The walk stats each file as it lists it (two threads); it runs
  // beside the cursor load from the ledger: on a run with nothing new they are the whole cost.
  struct Found {
    sources::SourceFile file;
    const sources::Adapter* adapter = nullptr;
  };
  std::vector<Found> found_files;
  std::vector<ParseProblem> unreadable;  // paths discovery could not read: warned, not stored
  std::thread discoverer([&] {
    const PhaseTimer walk_timer("(walk+stat)");
    const sources::WalkProblems collect(unreadable);
    for (const auto& adapter : adapters) {
      for (std::string& root : adapter->roots(options.env)) {
        stats.roots.push_back(std::move(root));
      }
      std::vector<sources::SourceFile> found;
      if (options.only_files.empty()) {
        adapter->discover(options.env, found);
      } else {
        for (const sources::SourceFile& f : options.only_files) {
          if (f.agent == adapter->agent()) {
            found.push_back(f);
          }
        }
      }
      for (sources::SourceFile& f : found) {
        if (!f.stat) {
          f.stat = sources::stat_path(f.path);
        }
        found_files.push_back(Found{std::move(f), adapter.get()});
      }
    }
    std::sort(found_files.begin(), found_files.end(),
              [](const Found& a, const Found& b) { return a.file.path < b.file.path; });
  });
  auto all_cursors = [&] {
    const PhaseTimer cursors_timer("(cursors)");
    return ledger.cursors();
  }();
  discoverer.join();
  // Reported by this run only, like a file that cannot be opened: a path that is readable
  // again is read and warns no more, so nothing is stored that would have to be retracted.
  // A root listed twice is walked twice; its failures are reported once.
  std::sort(unreadable.begin(), unreadable.end(), [](const ParseProblem& a, const ParseProblem& b) {
    return std::tie(a.file, a.what) < std::tie(b.file, b.what);
  });
  unreadable.erase(std::unique(unreadable.begin(), unreadable.end(),
                               [](const ParseProblem& a, const ParseProblem& b) {
                                 return a.file == b.file && a.what == b.what;
                               }),
                   unreadable.end());
  stats.file_errors = std::move(unreadable);
  TALLY_TRY(all_cursors);
  std::unordered_map<std::string_view, const store::FileCursor*> stored;
  stored.reserve(all_cursors->size());
  for (const store::FileCursor& c : *all_cursors) {
    stored.emplace(c.path, &c);
  }

  phase.emplace("match");
  // Unchanged files (same device, inode, size and mtime as their cursor) cost one stat():
  // a run with nothing new opens no file and parses nothing.
  std::vector<sources::SourceFile> files;
  std::vector<const sources::Adapter*> owner;
  std::vector<std::optional<store::FileCursor>> cursor_of;
  std::set<std::pair<std::uint64_t, std::uint64_t>> identities;
  for (Found& f : found_files) {
    const sources::FileStat& st = *f.file.stat;
    if (st.error != 0) {
      stats.file_errors.push_back(
          ParseProblem{f.file.path, 0, 0, fmt::format("cannot stat: {}", std::strerror(st.error))});
      continue;
    }
    if (!identities.emplace(st.device, st.inode).second) {
      continue;
    }
    ++stats.files_found;
    auto it = stored.find(f.file.path);
    if (it != stored.end()) {
      const store::FileCursor& c = *it->second;
      if (c.device == st.device && c.inode == st.inode && c.size == st.size &&
          c.mtime_ns == st.mtime_ns) {
        ++stats.files_unchanged;
        continue;
      }
    }
    std::optional<store::FileCursor> full;
    if (it != stored.end()) {
      auto with_state = ledger.cursor(f.file.path);  // the parser state, for a resume
      TALLY_TRY(with_state);
      full = std::move(*with_state);
    }
    files.push_back(std::move(f.file));
    owner.push_back(f.adapter);
    cursor_of.push_back(std::move(full));
  }
  // What the match needed is not needed while scanning: ~200 bytes a file, kept out of the
  // scan's peak memory (a few MB at tens of thousands of files).
  stored = {};
  found_files = {};
  *all_cursors = {};

  phase.emplace("scan+commit");
  PipelineTiming timing;
  size_t part_records = options.part_records > 0 ? options.part_records : kPartRecords;
  if (const char* env = std::getenv("TALLY_PART_RECORDS");
      env != nullptr && options.part_records == 0) {
    part_records = std::max<size_t>(1, std::strtoull(env, nullptr, 10));
  }
  // Workers scan; this thread commits.
  std::mutex mu;
  std::condition_variable ready;  // a scanned file is queued
  std::condition_variable room;   // the queue has room
  std::deque<Scanned> queue;
  std::int64_t queued_bytes = 0;
  bool stop = false;
  std::vector<std::vector<store::WriteBatch>> garbage;  // committed, to be freed by a worker
  std::atomic<size_t> next{0};
  // Enough to keep the committing thread fed; more only holds more records in memory (at
  // 4 GB of logs the committing thread is the slower side and the queue stays full).
  constexpr std::int64_t kMaxQueuedBytes = 16LL << 20;

  // Readies a scanned batch for the committing thread (one copy per record id, the team
  // fields, prices: work done here, off that thread) and queues it, waiting for room.
  // False when the ingest is stopping.
  auto enqueue = [&](Scanned&& item) -> bool {
    if (item.result && item.result->batch) {
      store::WriteBatch& b = *item.result->batch;
      dedupe_records(b.records);
      b.costs.clear();
      b.costs.reserve(b.records.size());
      for (UsageRecord& r : b.records) {
        r.user = options.identity.user;
        r.machine = options.identity.machine;
        r.team = options.identity.team;
        b.costs.push_back(pricer.price(r));
      }
      item.bytes = approx_bytes(b);
    }
    std::unique_lock<std::mutex> lock(mu);
    if (!stop && queued_bytes >= kMaxQueuedBytes) {
      const auto w0 = std::chrono::steady_clock::now();
      room.wait(lock, [&] { return stop || queued_bytes < kMaxQueuedBytes; });
      timing.scanners_waited += std::chrono::steady_clock::now() - w0;  // under the queue lock
    }
    if (stop) {
      return false;
    }
    queued_bytes += item.bytes;
    queue.push_back(std::move(item));
    ready.notify_one();
    // Committed batches are freed here, off the committing thread (see apply()): all of
    // them, so none pile up while the scanners wait for room.
    std::vector<std::vector<store::WriteBatch>> committed;
    committed.swap(garbage);
    lock.unlock();
    return true;
  };

  const unsigned hw = std::max(1U, std::thread::hardware_concurrency());
  const size_t workers = std::min<size_t>(options.threads > 0 ? options.threads : hw,
                                          std::max<size_t>(1, files.size()));
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&]() {
      ScanScratch scratch;
      for (;;) {
        const size_t i = next.fetch_add(1);
        if (i >= files.size()) {
          timing.scanner_done(timing.on ? thread_cpu() : std::chrono::nanoseconds{});
          return;
        }
        // A long file's parts go to the queue as they are read, ahead of its last one.
        const PartSink parts = [&](store::WriteBatch&& batch) -> Status {
          Scanned part;
          part.index = i;
          part.part = true;
          part.result = ScanResult{std::move(batch), 0, 0, 0};
          if (!enqueue(std::move(part))) {
            return fail(Errc::io, "the ingest stopped");
          }
          return ok();
        };
        Scanned item;
        item.index = i;
        item.result = scan_file(files[i], *owner[i], cursor_of[i], scratch, parts, part_records);
        if (!enqueue(std::move(item))) {
          return;
        }
      }
    });
  }
  auto shutdown = [&]() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    room.notify_all();
    for (std::thread& t : pool) {
      t.join();
    }
  };

  // Batches are applied to an open write transaction as they arrive, so the committing
  // thread works from the first file on; the transaction commits after every
  // batch_records records or batch_files files (few large commits: each rewrites the pages
  // it shares with the others), and at the end. Applied batches are freed by a worker.
  std::unique_ptr<store::LedgerWrite> open_write;
  std::vector<store::WriteBatch> applied;
  std::int64_t applied_bytes = 0;
  constexpr std::int64_t kMaxAppliedBytes = 4LL << 20;
  std::int64_t open_records = 0;
  std::int64_t open_files = 0;
  auto apply = [&](store::WriteBatch&& batch, std::int64_t bytes) -> Status {
    const auto t0 = std::chrono::steady_clock::now();
    if (!open_write) {
      auto begun = ledger.begin_write(pricer);
      TALLY_TRY(begun);
      open_write = std::move(*begun);
    }
    auto done = open_write->apply(std::span<store::WriteBatch>(&batch, 1));
    timing.committer_busy += std::chrono::steady_clock::now() - t0;
    TALLY_TRY(done);
    stats.stale_batches += done->stale_batches;
    open_records += static_cast<std::int64_t>(batch.records.size());
    ++open_files;
    applied_bytes += bytes;
    applied.push_back(std::move(batch));
    // Handed over every 64 files, or sooner for the parts of a long file (4 MB each).
    if (applied.size() >= 64 || applied_bytes >= kMaxAppliedBytes) {
      std::lock_guard<std::mutex> lock(mu);
      garbage.push_back(std::move(applied));
      applied = {};
      applied_bytes = 0;
    }
    return ok();
  };
  auto flush = [&]() -> Status {
    if (!open_write) {
      return ok();
    }
    const auto t0 = std::chrono::steady_clock::now();
    const Status committed = open_write->commit();
    open_write.reset();
    timing.committer_busy += std::chrono::steady_clock::now() - t0;
    TALLY_TRY(committed);
    open_records = 0;
    open_files = 0;
    return ok();
  };

  Status status = ok();
  for (size_t done = 0; done < files.size();) {
    Scanned item;
    {
      std::unique_lock<std::mutex> lock(mu);
      if (queue.empty()) {
        const auto w0 = std::chrono::steady_clock::now();
        ready.wait(lock, [&] { return !queue.empty(); });
        timing.committer_waited += std::chrono::steady_clock::now() - w0;
      }
      item = std::move(queue.front());
      queue.pop_front();
      queued_bytes -= item.bytes;
    }
    room.notify_one();
    if (!item.part) {
      if (options.progress && (done % 64 == 0)) {
        options.progress(static_cast<std::int64_t>(done), static_cast<std::int64_t>(files.size()));
      }
      ++done;  // this file's last item: its parts came before it
    }
    const sources::SourceFile& file = files[item.index];
    if (!item.result) {
      stats.file_errors.push_back(ParseProblem{file.path, 0, 0, item.result.error().message});
      continue;
    }
    if (!item.result->batch) {
      ++stats.files_unchanged;
      continue;
    }
    if (!item.part) {
      ++stats.files_read;
      stats.bytes_read += item.result->bytes_read;
      stats.lines += item.result->lines;
    }
    store::WriteBatch& batch = *item.result->batch;
    stats.records += static_cast<std::int64_t>(batch.records.size());
    stats.new_problems += static_cast<std::int64_t>(batch.problems.size());
    status = apply(std::move(batch), item.bytes);
    if (status && (open_records >= options.batch_records || open_files >= options.batch_files)) {
      status = flush();
    }
    if (!status) {
      break;
    }
  }
  shutdown();
  TALLY_TRY(status);
  TALLY_TRY(flush());
  if (options.progress) {
    options.progress(static_cast<std::int64_t>(files.size()),
                     static_cast<std::int64_t>(files.size()));
  }
  timing.print();
  phase.emplace("reconcile");
  auto settled = ledger.reconcile(pricer);
  TALLY_TRY(settled);
  stats.sessions_settled = *settled;
  return stats;
}

}  // namespace tally::ingest
