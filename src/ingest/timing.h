#pragma once

// What TALLY_TIMING=1 prints about an ingest: each pass's wall time, and how the scan and
// commit threads of the pipeline waited for each other.

#include <fmt/format.h>
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <mutex>

namespace tally::ingest {

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
inline std::chrono::nanoseconds thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

inline double ms(std::chrono::nanoseconds d) {
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

}  // namespace tally::ingest
