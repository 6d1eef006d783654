#pragma once

// The synthetic history generator: a realistic but made-up run of Claude Code, Codex CLI
// and Gemini CLI logs under a fake HOME, whose exact usage is known. Two users: the
// benchmark corpus (bench/corpus_gen.cc, tally_corpus_gen) and `tally demo`.
//
// The profile follows issue 5: heavy-tailed file sizes (most files 30-300 kB, median about
// 100 kB, a handful of giants, >50 MB each at 1 GB), about 2,500 files per GB, and about
// 70/25/5% of the bytes from Claude/Codex/Gemini. Line shapes and the traps in them are
// those of tests/data/real-logs (the writers are src/demo/*.cc, which share no code
// with the adapters they exercise, so a bug cannot hide on both sides). Output is a pure
// function of the options: the same options give byte-identical files.
//
// That is the benchmark profile. `tally demo` uses the heavy-user profile (issue 17): the
// same line shapes, fewer lines per response and short text, with a heavy user's month in
// them: in 128 MiB about 35,000 requests, 11B tokens (94% cache reads) and $9-10k; busy
// days with 10-15 sessions in flight, fast-mode days, a few projects, one with git worktrees,
// files named in edits and patches (writers.h, schedule.h, workspace.h). Tokens, cost and
// sessions grow with the size; the time pattern does not.

#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"

namespace tally::demo {

enum class Profile {
  benchmark,   // byte-identical per seed across versions of the generator
  heavy_user,  // the demo's month; also writes the projects' git files under out/src
};

struct CorpusOptions {
  std::string out;       // the fake HOME to write (.claude, .codex, .gemini, .corpus)
  std::uint64_t mb = 0;  // corpus size in MiB (generate)
  std::uint64_t seed = 1;
  std::uint64_t days = 30;  // sessions spread over the last `days` days
  // Last timestamp, ms since the epoch; 0 = the start of the current hour, so two runs in
  // the same hour agree.
  std::int64_t end = 0;
  // Share (0..1) of Claude sessions on a model no price list knows, priced only from the
  // agent's reported cost (the mix of re-issued genuine logs); 0 keeps the classic profile.
  double unpriced_share = 0;
  Profile profile = Profile::benchmark;
  bool force = false;  // replace a corpus this generator wrote earlier in `out`
  // Called now and then with (files written, files planned); may be empty.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

// Writes a new corpus into `options.out` and returns its manifest (JSON: files and bytes
// per agent and the expected totals per agent and model, normalised as in agent-logs.md §1;
// also saved as out/.corpus/manifest.json). Refuses (invalid_argument) to write over agent
// logs it did not write; fails with io when a file cannot be written.
Result<std::string> generate_corpus(const CorpusOptions& options);

// Appends new turns to `percent`% of the files of the corpus in `options.out` (for the
// incremental benchmark) and returns the manifest with the delta and the new totals.
// Uses options.out and options.end only.
Result<std::string> append_corpus(const CorpusOptions& options, double percent);

// Parses "YYYY-MM-DDTHH:MM:SSZ" or epoch seconds into ms since the epoch.
Result<std::int64_t> parse_corpus_time(const std::string& text);

}  // namespace tally::demo
