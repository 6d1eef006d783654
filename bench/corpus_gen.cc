// tally_corpus_gen: writes a synthetic but realistic history of Claude Code, Codex CLI and
// Gemini CLI logs under a fake HOME, and prints the exact usage it wrote.
//
//   tally_corpus_gen --out DIR --mb N [--seed S] [--days D] [--end TIME] [--unpriced-share F]
//                    [--profile benchmark|heavy-user] [--force]
//   tally_corpus_gen --out DIR --append-percent P [--end TIME]
//
// The profile follows issue 5: heavy-tailed file sizes (most files 30-300 kB, median about
// 100 kB, a handful of giants, >50 MB each at 1 GB), about 2,500 files per GB, and about
// 70/25/5% of the bytes from Claude/Codex/Gemini. Line shapes and the traps in them are
// those of tests/data/real-logs (see corpus/*.cc). Output is a pure function of the
// arguments: --end defaults to the current hour, so two runs in the same hour agree.
//
// The manifest (stdout and DIR/.corpus/manifest.json) holds files and bytes per agent and
// the expected totals per agent and model, normalised as in agent-logs.md §1: each Claude
// response counted once, Claude's unlogged calls (from cost-state) included, Codex input
// without its cached part. `traps` sums the tokens a careless reader would miscount.
// --append-percent appends new turns to P% of the files (for the incremental benchmark)
// and prints the delta and the new totals.//
// The generator itself lives in src/demo/corpus.h (shared with `tally demo`); this file is
// its command line.

#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "demo/corpus.h"

namespace {

constexpr std::string_view kUsage =
    "usage: tally_corpus_gen --out DIR --mb N [--seed S] [--days D] [--end TIME]\n"
    "                        [--unpriced-share F] [--profile P] [--force]\n"
    "       tally_corpus_gen --out DIR --append-percent P [--end TIME]\n"
    "  --out DIR            the fake HOME to write (.claude, .codex, .gemini, .corpus)\n"
    "  --mb N               corpus size in MiB\n"
    "  --seed S             random seed (default 1)\n"
    "  --days D             spread sessions over the last D days (default 30)\n"
    "  --end TIME           last timestamp, YYYY-MM-DDTHH:MM:SSZ or epoch seconds\n"
    "                       (default: the current hour, so reruns within an hour agree)\n"
    "  --unpriced-share F   share (0..1) of Claude sessions on claude-opus-5-5, a model no\n"
    "                       price list knows, priced from the logs' own costUSD (default 0)\n"
    "  --profile P          benchmark (default: the corpus of docs/PERFORMANCE.md) or\n"
    "                       heavy-user (the month of `tally demo`: ~$10k at 128 MiB)\n"
    "  --force              replace an existing corpus in DIR\n"
    "  --append-percent P   append new turns to P% of the files of an existing corpus\n";

struct Args {
  tally::demo::CorpusOptions corpus;
  double append_percent = -1;
  bool help = false;
};

bool parse_args(int argc, char** argv, Args& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&](std::string_view& v) {
      if (i + 1 >= argc) {
        fmt::print(stderr, "tally_corpus_gen: {} needs a value\n", a);
        return false;
      }
      v = argv[++i];
      return true;
    };
    std::string_view v;
    if (a == "--force") {
      o.corpus.force = true;
    } else if (a == "-h" || a == "--help") {
      o.help = true;
      return true;
    } else if (a == "--profile") {
      if (!value(v)) {
        return false;
      }
      if (v == "benchmark" || v == "heavy-user") {
        o.corpus.profile =
            v == "benchmark" ? tally::demo::Profile::benchmark : tally::demo::Profile::heavy_user;
      } else {
        fmt::print(stderr, "tally_corpus_gen: --profile is benchmark or heavy-user, not '{}'\n", v);
        return false;
      }
    } else if (a == "--out" || a == "--mb" || a == "--seed" || a == "--days" || a == "--end" ||
               a == "--append-percent" || a == "--unpriced-share") {
      if (!value(v)) {
        return false;
      }
      const std::string s(v);
      char* rest = nullptr;
      if (a == "--out") {
        o.corpus.out = s;
      } else if (a == "--end") {
        auto end = tally::demo::parse_corpus_time(s);
        if (!end) {
          fmt::print(stderr, "tally_corpus_gen: bad --end '{}'\n", v);
          return false;
        }
        o.corpus.end = *end;
      } else if (a == "--append-percent") {
        o.append_percent = std::strtod(s.c_str(), &rest);
      } else if (a == "--unpriced-share") {
        o.corpus.unpriced_share = std::strtod(s.c_str(), &rest);
      } else {
        const std::uint64_t n = std::strtoull(s.c_str(), &rest, 10);
        (a == "--mb" ? o.corpus.mb : a == "--seed" ? o.corpus.seed : o.corpus.days) = n;
      }
      if (rest != nullptr && *rest != '\0') {
        fmt::print(stderr, "tally_corpus_gen: bad number for {}: '{}'\n", a, v);
        return false;
      }
    } else {
      fmt::print(stderr, "tally_corpus_gen: unknown argument '{}'\n{}", a, kUsage);
      return false;
    }
  }
  const tally::demo::CorpusOptions& c = o.corpus;
  if (c.out.empty() || (o.append_percent < 0 && c.mb == 0) || c.days == 0 ||
      (o.append_percent >= 0 && (o.append_percent > 100 || c.mb != 0)) ||
      !(c.unpriced_share >= 0 && c.unpriced_share <= 1)) {
    fmt::print(stderr, "{}", kUsage);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, args)) {
    return 2;
  }
  if (args.help) {
    fmt::print("{}", kUsage);
    return 0;
  }
  auto manifest = args.append_percent >= 0
                      ? tally::demo::append_corpus(args.corpus, args.append_percent)
                      : tally::demo::generate_corpus(args.corpus);
  if (!manifest) {
    fmt::print(stderr, "tally_corpus_gen: {}\n", manifest.error().message);
    return manifest.error().code == tally::Errc::invalid_argument ? 2 : 1;
  }
  fmt::print("{}", *manifest);
  return 0;
}
