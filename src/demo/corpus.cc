// The generator behind tally_corpus_gen and `tally demo` (see corpus.h). Moved here from
// bench/corpus_gen.cc unchanged in what it writes: the benchmark's corpus must stay
// byte-identical for the same arguments.

#include "demo/corpus.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "demo/common.h"
#include "demo/schedule.h"
#include "demo/state.h"
#include "demo/workspace.h"
#include "demo/writers.h"

namespace tally::demo {
namespace {

namespace fs = std::filesystem;
using namespace tally::corpus;  // NOLINT: the writers' vocabulary, in this file only

constexpr uint64_t kMiB = 1u << 20;

Millis default_end() {
  const auto now = static_cast<Millis>(std::time(nullptr));
  return now / 3600 * 3600 * 1000;
}

// File sizes for one agent: `giants` large files, then log-normal ones until `budget` is
// spent. Returned shuffled so giants are not all first.
std::vector<uint64_t> plan_sizes(uint64_t budget, uint64_t giants, uint64_t giant_lo,
                                 uint64_t giant_hi, double median, double sigma, uint64_t lo,
                                 uint64_t hi, Rng& rng) {
  std::vector<uint64_t> sizes;
  uint64_t used = 0;
  for (uint64_t i = 0; i < giants && used + giant_lo <= budget; ++i) {
    const uint64_t size = std::min(rng.range(giant_lo, giant_hi), budget - used);
    sizes.push_back(size);
    used += size;
  }
  while (used + lo <= budget) {
    const uint64_t size = std::min(rng.lognormal(median, sigma, lo, hi), budget - used);
    sizes.push_back(size);
    used += size;
  }
  for (size_t i = sizes.size(); i > 1; --i) {
    std::swap(sizes[i - 1], sizes[rng.range(0, i - 1)]);
  }
  return sizes;
}

struct Survey {
  std::map<std::string, uint64_t> files, bytes;
  std::vector<uint64_t> sizes;  // log files only (.jsonl)
};

// Walks the corpus: what the readers will see, whatever the generator intended.
Survey survey(const std::string& root) {
  Survey s;
  for (const char* agent : {"claude", "codex", "gemini"}) {
    const fs::path dir = fs::path(root) / (std::string(".") + agent);
    s.files[agent] = 0;
    s.bytes[agent] = 0;
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
      continue;
    }
    for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
      if (!e.is_regular_file()) {
        continue;
      }
      const uint64_t size = e.file_size();
      ++s.files[agent];
      s.bytes[agent] += size;
      if (e.path().extension() == ".jsonl") {
        s.sizes.push_back(size);
      }
    }
  }
  std::sort(s.sizes.begin(), s.sizes.end());
  return s;
}

Tokens sum_agent(const TotalsMap& totals, const std::string& agent) {
  Tokens t;
  for (const auto& [key, v] : totals) {
    if (agent.empty() || key.first == agent) {
      t += v;
    }
  }
  return t;
}

std::string tokens_json(const Tokens& t) {
  return fmt::format(
      "{{\"requests\": {}, \"input_tokens\": {}, \"cache_read_tokens\": {}, "
      "\"cache_write_tokens\": {}, \"cache_write_1h_tokens\": {}, \"output_tokens\": {}, "
      "\"reasoning_tokens\": {}, \"total_tokens\": {}}}",
      t.requests, t.input, t.cache_read, t.cache_write, t.cache_write_1h, t.output, t.reasoning,
      t.total());
}

// The manifest: sizes as surveyed on disk plus the expected usage in `ledger`.
std::string manifest_json(const CorpusState& st, const Survey& sv, const Ledger* delta,
                          uint64_t appended_files, uint64_t appended_bytes) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "{{\n  \"generator\": \"tally_corpus_gen\",\n  \"seed\": {},\n  \"mb\": {},\n"
                 "  \"days\": {},\n  \"end\": \"{}\",\n  \"append_round\": {},\n",
                 st.seed, st.mb, st.days, iso_ms(st.end), st.round);
  if (st.heavy) {
    out.append("  \"profile\": \"heavy_user\",\n");
  }
  uint64_t files = 0, bytes = 0;
  out.append("  \"files\": {");
  for (const auto& [agent, n] : sv.files) {
    fmt::format_to(it, "\"{}\": {}, ", agent, n);
    files += n;
  }
  fmt::format_to(it, "\"total\": {}}},\n  \"bytes\": {{", files);
  for (const auto& [agent, n] : sv.bytes) {
    fmt::format_to(it, "\"{}\": {}, ", agent, n);
    bytes += n;
  }
  fmt::format_to(it, "\"total\": {}}},\n  \"byte_share\": {{", bytes);
  bool first = true;
  for (const auto& [agent, n] : sv.bytes) {
    fmt::format_to(it, "{}\"{}\": {:.3f}", first ? "" : ", ", agent,
                   bytes ? static_cast<double>(n) / static_cast<double>(bytes) : 0.0);
    first = false;
  }
  const auto pct = [&](double p) -> uint64_t {
    if (sv.sizes.empty()) {
      return 0;
    }
    return sv.sizes[std::min(sv.sizes.size() - 1,
                             static_cast<size_t>(p * static_cast<double>(sv.sizes.size())))];
  };
  const auto over_50mb = static_cast<uint64_t>(
      std::count_if(sv.sizes.begin(), sv.sizes.end(), [](uint64_t s) { return s > 50 * kMiB; }));
  fmt::format_to(it,
                 "}},\n  \"jsonl_sizes\": {{\"count\": {}, \"median\": {}, \"p90\": {}, "
                 "\"p99\": {}, \"max\": {}, \"over_50MiB\": {}}},\n",
                 sv.sizes.size(), pct(0.5), pct(0.9), pct(0.99),
                 sv.sizes.empty() ? 0 : sv.sizes.back(), over_50mb);
  if (delta != nullptr) {
    fmt::format_to(it, "  \"appended_files\": {},\n  \"appended_bytes\": {},\n  \"delta\": ",
                   appended_files, appended_bytes);
    append_totals_json(out, delta->totals, "  ");
    fmt::format_to(it, ",\n  \"delta_total\": {},\n", tokens_json(sum_agent(delta->totals, "")));
  }
  out.append("  \"expected\": ");
  append_totals_json(out, st.ledger.totals, "  ");
  out.append(",\n  \"expected_by_agent\": {");
  first = true;
  for (const char* agent : {"claude", "codex", "gemini"}) {
    fmt::format_to(it, "{}\n    \"{}\": {}", first ? "" : ",", agent,
                   tokens_json(sum_agent(st.ledger.totals, agent)));
    first = false;
  }
  fmt::format_to(it, "\n  }},\n  \"expected_total\": {},\n  \"traps\": ",
                 tokens_json(sum_agent(st.ledger.totals, "")));
  append_totals_json(out, st.ledger.traps, "  ");
  out.append("\n}\n");
  return out;
}

bool write_text(const std::string& path, const std::string& text) {
  OutFile f;
  if (!f.open(path, false)) {
    return false;
  }
  f.buf() = text;
  return f.close();
}

Result<std::string> generate_impl(const CorpusOptions& o) {
  const std::string state_path = o.out + "/.corpus/state.tsv";
  const bool heavy = o.profile == Profile::heavy_user;
  const std::string src = o.out + "/src";  // the heavy user's checkouts (workspace.h)
  if (heavy && fs::exists(src) && !fs::exists(state_path)) {
    return fail(Errc::invalid_argument,
                fmt::format("refusing to write into {}: tally_corpus_gen did not make it", src));
  }
  if (fs::exists(state_path) || fs::exists(o.out + "/.claude") || fs::exists(o.out + "/.codex") ||
      fs::exists(o.out + "/.gemini")) {
    if (!o.force) {
      return fail(Errc::invalid_argument,
                  fmt::format("{} already holds a corpus (use --force)", o.out));
    }
    // --force replaces only what this tool wrote: a real HOME's logs must never be deleted.
    if (!fs::exists(state_path)) {
      return fail(Errc::invalid_argument,
                  fmt::format("refusing to replace {}: it holds agent logs that "
                              "tally_corpus_gen did not write",
                              o.out));
    }
    CorpusState old;
    std::string error;
    const bool old_heavy = load_state(state_path, old, error) && old.heavy;
    if (heavy && fs::exists(src) && !old_heavy) {
      return fail(Errc::invalid_argument,
                  fmt::format("refusing to write into {}: tally_corpus_gen did not make it", src));
    }
    for (const char* sub : {".claude", ".codex", ".gemini", ".corpus"}) {
      std::error_code ec;
      fs::remove_all(fs::path(o.out) / sub, ec);
    }
    if (old_heavy) {
      std::error_code ec;
      fs::remove_all(src, ec);
    }
  }
  CorpusState st;
  st.seed = o.seed;
  st.mb = o.mb;
  st.days = o.days;
  st.end = o.end != 0 ? o.end : default_end();
  const Filler filler(o.seed);
  GenContext g;
  g.root = o.out;
  g.filler = &filler;
  g.ledger = &st.ledger;
  g.end = st.end;
  g.span = static_cast<Millis>(o.days) * 86'400'000;
  g.unpriced_share = o.unpriced_share;
  st.heavy = heavy;

  Rng rng(o.seed);
  // The heavy profile draws from its own source, so the benchmark's draws stay as they were.
  Rng heavy_rng(o.seed ^ 0x4ea7f00dULL);
  const Workspace workspace(o.out);
  std::optional<Month> month;
  if (heavy) {
    if (!workspace.create()) {
      return fail(Errc::io, fmt::format("cannot write the demo's projects in {}", src));
    }
    month.emplace(g.end, g.span, heavy_rng);
    g.workspace = &workspace;
    g.month = &*month;
  }
  // Sessions end on a turn boundary and so overshoot their planned size a little; plan 95%
  // so the corpus lands near --mb.
  const uint64_t total = o.mb * kMiB / 100 * 95;
  // Giants scale with the corpus: 52-90 MiB each at 1 GiB.
  const double scale = static_cast<double>(o.mb) / 1024.0;
  const auto giant_lo = static_cast<uint64_t>(52.0 * scale * kMiB);
  const auto giant_hi = static_cast<uint64_t>(90.0 * scale * kMiB);
  const uint64_t body_max = 20 * kMiB;
  std::vector<uint64_t> claude_sizes, codex_sizes, gemini_sizes;
  if (heavy) {
    // A heavy user's few hundred sessions, long enough for contexts to grow; no giants.
    claude_sizes = plan_sizes(total * 85 / 100, 0, 0, 0, 300'000, 0.7, 40'000, 2 * kMiB, rng);
    codex_sizes = plan_sizes(total * 13 / 100, 0, 0, 0, 160'000, 0.9, 15'000, kMiB, rng);
    gemini_sizes = plan_sizes(total * 2 / 100, 0, 0, 0, 60'000, 0.8, 8'000, kMiB / 2, rng);
  } else {
    claude_sizes =
        plan_sizes(total * 70 / 100, 5, giant_lo, giant_hi, 100'000, 1.35, 6'000, body_max, rng);
    codex_sizes =
        plan_sizes(total * 25 / 100, 1, giant_lo, giant_hi, 100'000, 1.25, 8'000, body_max, rng);
    gemini_sizes = plan_sizes(total * 5 / 100, 0, 0, 0, 60'000, 1.0, 4'000, 4 * kMiB, rng);
  }

  const uint64_t planned = claude_sizes.size() + codex_sizes.size() + gemini_sizes.size();
  // Heavy profile: a start per file, more than there are sessions (sub-agents take files but
  // no start); any prefix of them spreads over the days as they all do (schedule.h).
  const std::vector<Millis> starts =
      heavy ? month->starts(planned, heavy_rng) : std::vector<Millis>{};
  size_t next_start = 0;
  const auto report = [&o, planned](uint64_t done) {
    if (o.progress) {
      o.progress(done, planned);
    }
  };
  // Claude: about a fifth of the sessions spawn 1-3 sub-agents, each its own file.
  for (size_t i = 0; i < claude_sizes.size();) {
    ClaudePlan plan;
    plan.main_bytes = claude_sizes[i++];
    Rng plan_rng = rng.fork(i);
    if (plan.main_bytes < giant_lo && plan_rng.chance(heavy ? 0.12 : 0.2)) {
      const uint64_t n = plan_rng.range(1, 3);
      for (uint64_t k = 0; k < n && i < claude_sizes.size(); ++k) {
        plan.subagent_bytes.push_back(claude_sizes[i++]);
      }
    }
    Rng file_rng = rng.fork(0xc1a0de + i);
    if (heavy) {
      plan.project = &workspace.pick(heavy_rng);
      plan.start = starts[next_start++];
    }
    st.claude.push_back(write_claude_session(g, plan, file_rng));
    report(i);
  }
  // Codex: about one rollout in ten is a sub-agent thread of an earlier user thread.
  struct Parent {
    std::string thread, cwd;
    Millis time;
  };
  std::vector<Parent> parents;
  for (size_t i = 0; i < codex_sizes.size(); ++i) {
    Rng file_rng = rng.fork(0xc0de + i);
    CodexPlan plan;
    plan.bytes = codex_sizes[i];
    if (!parents.empty() && file_rng.chance(0.1)) {
      const Parent& p = parents[file_rng.range(0, parents.size() - 1)];
      plan.parent_thread = p.thread;
      plan.parent_cwd = p.cwd;
      plan.parent_time = p.time;
    } else if (heavy) {
      plan.project = &workspace.pick(heavy_rng);
      plan.start = starts[next_start++];
    }
    CodexThreadState s = write_codex_thread(g, plan, file_rng);
    if (!s.is_subagent) {
      parents.push_back({s.thread_id, s.cwd, s.last_ts - 3'600'000});
    }
    st.codex.push_back(std::move(s));
    report(claude_sizes.size() + i + 1);
  }
  // Gemini: projects are registered by name in projects.json (cwd -> name).
  std::map<std::string, std::string> projects;
  for (size_t i = 0; i < gemini_sizes.size(); ++i) {
    Rng file_rng = rng.fork(0x6e31 + i);
    if (heavy) {
      const Project& p = workspace.pick(heavy_rng);
      projects[p.cwd_json] = p.name;
      st.gemini.push_back(
          write_gemini_chat(g, gemini_sizes[i], p.name, file_rng, &p, starts[next_start++]));
    } else {
      const std::string project = fmt::format("project-{:02}", file_rng.range(1, 40));
      projects["/home/dev/src/" + project] = project;
      st.gemini.push_back(write_gemini_chat(g, gemini_sizes[i], project, file_rng));
    }
    report(claude_sizes.size() + codex_sizes.size() + i + 1);
  }
  std::string pj = "{\"projects\": {";
  bool first = true;
  for (const auto& [cwd, name] : projects) {
    fmt::format_to(std::back_inserter(pj), "{}\"{}\": \"{}\"", first ? "" : ", ", cwd, name);
    first = false;
  }
  pj.append("}}\n");
  if (!write_text(o.out + "/.gemini/projects.json", pj)) {
    return fail(Errc::io, fmt::format("cannot write {}/.gemini/projects.json", o.out));
  }
  const std::string manifest = manifest_json(st, survey(o.out), nullptr, 0, 0);
  if (!make_dirs(o.out + "/.corpus") || !save_state(state_path, st) ||
      !write_text(o.out + "/.corpus/manifest.json", manifest)) {
    return fail(Errc::io, fmt::format("cannot write {}/.corpus", o.out));
  }
  return manifest;
}

Result<std::string> append_impl(const CorpusOptions& o, double percent) {
  const std::string state_path = o.out + "/.corpus/state.tsv";
  CorpusState st;
  std::string error;
  if (!load_state(state_path, st, error)) {
    return fail(Errc::io, error);
  }
  ++st.round;
  const Filler filler(st.seed);
  Ledger delta;
  GenContext g;
  g.root = o.out;
  g.filler = &filler;
  g.ledger = &delta;
  g.end = o.end != 0 ? o.end : default_end();
  g.span = static_cast<Millis>(st.days) * 86'400'000;
  // Appended turns keep their session's project (file names) and run at standard speed.
  const Workspace workspace(o.out);
  if (st.heavy) {
    g.workspace = &workspace;
  }

  const Survey before = survey(o.out);
  uint64_t files = 0;
  for (const auto& [agent, n] : before.files) {
    files += n;
  }
  const size_t candidates = st.claude.size() + st.codex.size() + st.gemini.size();
  const auto want = static_cast<size_t>(std::llround(percent / 100.0 * static_cast<double>(files)));
  const size_t n = std::min(candidates, std::max<size_t>(want, percent > 0 ? 1 : 0));
  Rng rng(st.seed ^ (st.round * 0x9e3779b97f4a7c15ULL));
  std::vector<size_t> order(candidates);
  for (size_t i = 0; i < candidates; ++i) {
    order[i] = i;
  }
  uint64_t appended = 0;
  for (size_t k = 0; k < n; ++k) {
    std::swap(order[k], order[rng.range(k, candidates - 1)]);
    size_t idx = order[k];
    Rng file_rng = rng.fork(idx);
    const int turns = static_cast<int>(file_rng.range(1, 3));
    if (idx < st.claude.size()) {
      appended += append_claude_turns(g, st.claude[idx], turns, file_rng);
      continue;
    }
    idx -= st.claude.size();
    if (idx < st.codex.size()) {
      appended += append_codex_turns(g, st.codex[idx], turns, file_rng);
      continue;
    }
    idx -= st.codex.size();
    appended += append_gemini_turns(g, st.gemini[idx], turns, file_rng);
  }
  for (const auto& [key, t] : delta.totals) {
    st.ledger.totals[key] += t;
  }
  for (const auto& [key, t] : delta.traps) {
    st.ledger.traps[key] += t;
  }
  const std::string manifest = manifest_json(st, survey(o.out), &delta, n, appended);
  if (!save_state(state_path, st) || !write_text(o.out + "/.corpus/manifest.json", manifest)) {
    return fail(Errc::io, fmt::format("cannot write {}/.corpus", o.out));
  }
  return manifest;
}

}  // namespace

Result<std::string> generate_corpus(const CorpusOptions& options) {
  if (options.out.empty() || options.mb == 0 || options.days == 0) {
    return fail(Errc::invalid_argument, "a corpus needs an output directory, a size and days");
  }
  if (!(options.unpriced_share >= 0 && options.unpriced_share <= 1)) {
    return fail(Errc::invalid_argument, "the unpriced share must be between 0 and 1");
  }
  try {
    return generate_impl(options);
  } catch (const std::exception& e) {
    return fail(Errc::io, e.what());
  }
}

Result<std::string> append_corpus(const CorpusOptions& options, double percent) {
  if (options.out.empty() || !(percent >= 0 && percent <= 100)) {
    return fail(Errc::invalid_argument, "append needs a corpus directory and 0-100 percent");
  }
  try {
    return append_impl(options, percent);
  } catch (const std::exception& e) {
    return fail(Errc::io, e.what());
  }
}

Result<std::int64_t> parse_corpus_time(const std::string& text) {
  Millis ms = 0;
  if (!parse_time_arg(text, ms)) {
    return fail(Errc::invalid_argument,
                fmt::format("'{}' is not a time like 2026-11-20T12:00:00Z or epoch seconds", text));
  }
  return ms;
}

}  // namespace tally::demo
