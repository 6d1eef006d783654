#pragma once

// Shared pieces of the corpus generator: a portable random source, filler text, ids,
// timestamps, token totals and the buffered file writer. Nothing here knows about a
// particular agent's log format.

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tally::corpus {

// xoshiro256** seeded by splitmix64. Hand-written rather than <random> because the standard
// distributions are implementation-defined: the corpus must be byte-identical for a seed on
// every standard library, and the tests compare exact totals.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next();
  // Uniform in [lo, hi] (inclusive). `lo <= hi`.
  uint64_t range(uint64_t lo, uint64_t hi);
  // Uniform in [0, 1).
  double unit();
  bool chance(double p) { return unit() < p; }
  // Log-normal with the given median and shape, clamped to [lo, hi].
  uint64_t lognormal(double median, double sigma, uint64_t lo, uint64_t hi);
  // A child generator whose stream does not depend on how much of this one is used later.
  Rng fork(uint64_t salt);

 private:
  uint64_t s_[4];
};

// A few MB of JSON-string-safe pseudo prose and code, cut at spaces so a slice never splits
// an escape sequence or a UTF-8 character. Slices are appended to output buffers; the pool
// is built once, so filler costs a memcpy.
class Filler {
 public:
  explicit Filler(uint64_t seed);
  // Appends about `n` bytes (at least 1) of text that is valid inside a JSON string.
  void append(std::string& out, size_t n, Rng& rng) const;
  // A short phrase of about `n` bytes, for titles and commands.
  std::string phrase(size_t n, Rng& rng) const;

 private:
  std::string pool_;
};

// Hex and base62 identifiers shaped like the agents' own.
std::string uuid4(Rng& rng);
// A UUIDv7-style id whose first 48 bits are `ms`, like Codex thread and turn ids.
std::string uuid7(Rng& rng, int64_t ms);
std::string hex_id(Rng& rng, size_t digits);
std::string base62_id(Rng& rng, size_t digits);

// Milliseconds since the Unix epoch, UTC.
using Millis = int64_t;
// "2026-11-22T22:06:44.035Z".
void append_iso_ms(std::string& out, Millis ms);
std::string iso_ms(Millis ms);
// "2026-11-22" and "2026/11/22" and "2026-11-22T22-08-58" pieces used in file names.
std::string date_dash(Millis ms);
std::string date_slash(Millis ms);
std::string name_stamp_seconds(Millis ms);
std::string name_stamp_minutes(Millis ms);
// Parses "YYYY-MM-DDTHH:MM:SSZ" (or with a numeric epoch); returns false on bad input.
bool parse_time_arg(std::string_view text, Millis& out);

// Normalised usage in the buckets of agent-logs.md §1.
struct Tokens {
  uint64_t requests = 0;
  uint64_t input = 0;
  uint64_t cache_read = 0;
  uint64_t cache_write = 0;
  uint64_t cache_write_1h = 0;
  uint64_t output = 0;
  uint64_t reasoning = 0;

  Tokens& operator+=(const Tokens& o);
  uint64_t total() const { return input + cache_read + cache_write + output; }
};

// Expected totals keyed by (agent, model).
using TotalsMap = std::map<std::pair<std::string, std::string>, Tokens>;

// Token sums that a careless reader would get wrong, per agent and kind, so the benchmark
// can explain a difference from another tool in numbers (see docs/PERFORMANCE.md).
using TrapMap = std::map<std::pair<std::string, std::string>, Tokens>;

// The usage generation wrote, for the manifest.
struct Ledger {
  TotalsMap totals;
  TrapMap traps;

  void add(const std::string& agent, const std::string& model, const Tokens& t) {
    totals[{agent, model}] += t;
  }
  void trap(const std::string& agent, const std::string& kind, const Tokens& t) {
    traps[{agent, kind}] += t;
  }
};

// Appends the JSON object `{"agent/model": {...}}` for `totals` (sorted, stable).
void append_totals_json(std::string& out, const TotalsMap& totals, std::string_view indent);

// A write-only file fed in large chunks. Keeps a buffer so the generator issues few syscalls;
// opened for append in --append-percent mode.
class OutFile {
 public:
  OutFile() = default;
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  ~OutFile();
  // Creates parent directories as needed. Returns false (with errno set) on failure.
  bool open(const std::string& path, bool append);
  std::string& buf() { return buf_; }
  // Flushes when the buffer is large; call after each complete line.
  void maybe_flush() {
    if (buf_.size() >= kFlushBytes) {
      flush();
    }
  }
  void flush();
  // Bytes written through this object so far, buffered ones included.
  uint64_t written() const { return flushed_ + buf_.size(); }
  bool close();
  bool ok() const { return ok_; }

 private:
  static constexpr size_t kFlushBytes = 8u << 20;
  std::FILE* file_ = nullptr;
  std::string buf_;
  uint64_t flushed_ = 0;
  bool ok_ = true;
};

// mkdir -p. Returns false on failure.
bool make_dirs(const std::string& path);

// JSON-escapes `s` (only quotes and backslashes can occur in generated names).
std::string json_escape(std::string_view s);

// Per-million-token prices used to fill the agents' own cost fields (Claude `cost-state`).
// They are only cosmetic for the benchmark: totals are compared in tokens.
struct Price {
  double input, output, cache_read, cache_write_5m, cache_write_1h;
};
Price price_for(std::string_view model);

}  // namespace tally::corpus
