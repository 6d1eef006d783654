#include "demo/state.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string_view>

namespace tally::corpus {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) {
      return out;
    }
    start = tab + 1;
  }
}

uint64_t u64(const std::string& s) { return std::strtoull(s.c_str(), nullptr, 10); }
int64_t i64(const std::string& s) { return std::strtoll(s.c_str(), nullptr, 10); }

void append_tokens(std::string& out, const Tokens& t) {
  fmt::format_to(std::back_inserter(out), "\t{}\t{}\t{}\t{}\t{}\t{}\t{}", t.requests, t.input,
                 t.cache_read, t.cache_write, t.cache_write_1h, t.output, t.reasoning);
}

Tokens parse_tokens(const std::vector<std::string>& f, size_t at) {
  return Tokens{u64(f[at]),     u64(f[at + 1]), u64(f[at + 2]), u64(f[at + 3]),
                u64(f[at + 4]), u64(f[at + 5]), u64(f[at + 6])};
}

}  // namespace

bool save_state(const std::string& path, const CorpusState& st) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "seed\t{}\nmb\t{}\ndays\t{}\nround\t{}\nend\t{}\n", st.seed, st.mb, st.days,
                 st.round, st.end);
  if (st.heavy) {
    out.append("profile\theavy_user\n");  // absent for the benchmark: its file is unchanged
  }
  for (const auto& [key, t] : st.ledger.totals) {
    fmt::format_to(it, "total\t{}\t{}", key.first, key.second);
    append_tokens(out, t);
    out.push_back('\n');
  }
  for (const auto& [key, t] : st.ledger.traps) {
    fmt::format_to(it, "trap\t{}\t{}", key.first, key.second);
    append_tokens(out, t);
    out.push_back('\n');
  }
  for (const ClaudeSessionState& s : st.claude) {
    fmt::format_to(it, "claude\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                   s.path, s.session_id, s.cwd, s.model, s.effort, s.branch, s.ttl_1h ? 1 : 0,
                   s.last_uuid, s.start, s.last_ts, s.ctx, s.turn, s.api_ms, s.lines_added,
                   s.lines_removed, s.usage.size());
    for (const auto& [m, u] : s.usage) {
      fmt::format_to(it, "\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", m, u.input, u.output, u.thinking,
                     u.cache_read, u.cache_write, u.cache_write_5m, u.cache_write_1h, u.cost);
    }
    out.push_back('\n');
  }
  for (const CodexThreadState& s : st.codex) {
    fmt::format_to(
        it, "codex\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", s.path,
        s.thread_id, s.root_id, s.cwd, s.model, s.last_ts, s.ctx, s.ordinal, s.is_subagent ? 1 : 0,
        s.thread.input, s.thread.cached, s.thread.output, s.thread.reasoning, s.last.input,
        s.last.cached, s.last.output, s.last.reasoning);
  }
  for (const GeminiChatState& s : st.gemini) {
    fmt::format_to(it, "gemini\t{}\t{}\t{}\t{}\t{}\t{}\n", s.path, s.session_id, s.project, s.model,
                   s.last_ts, s.ctx);
  }
  const std::string tmp = path + ".tmp";
  OutFile f;
  if (!f.open(tmp, false)) {
    return false;
  }
  f.buf() = std::move(out);
  if (!f.close()) {
    return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool load_state(const std::string& path, CorpusState& st, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = fmt::format("cannot read {} (was this corpus made by tally_corpus_gen?)", path);
    return false;
  }
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const std::vector<std::string> f = split_tabs(line);
    const std::string& kind = f[0];
    const auto need = [&](size_t n) {
      if (f.size() < n) {
        error = fmt::format("{}:{}: {} record has {} fields, expected {}", path, line_no, kind,
                            f.size(), n);
        return false;
      }
      return true;
    };
    if (kind == "seed" || kind == "mb" || kind == "days" || kind == "round" || kind == "end") {
      if (!need(2)) {
        return false;
      }
      const uint64_t v = u64(f[1]);
      if (kind == "seed") {
        st.seed = v;
      } else if (kind == "mb") {
        st.mb = v;
      } else if (kind == "days") {
        st.days = v;
      } else if (kind == "round") {
        st.round = v;
      } else {
        st.end = i64(f[1]);
      }
    } else if (kind == "profile") {
      if (!need(2)) {
        return false;
      }
      st.heavy = f[1] == "heavy_user";
    } else if (kind == "total" || kind == "trap") {
      if (!need(10)) {
        return false;
      }
      (kind == "total" ? st.ledger.totals : st.ledger.traps)[{f[1], f[2]}] = parse_tokens(f, 3);
    } else if (kind == "claude") {
      if (!need(17)) {
        return false;
      }
      ClaudeSessionState s;
      s.path = f[1];
      s.session_id = f[2];
      s.cwd = f[3];
      s.model = f[4];
      s.effort = f[5];
      s.branch = f[6];
      s.ttl_1h = f[7] == "1";
      s.last_uuid = f[8];
      s.start = i64(f[9]);
      s.last_ts = i64(f[10]);
      s.ctx = u64(f[11]);
      s.turn = u64(f[12]);
      s.api_ms = u64(f[13]);
      s.lines_added = u64(f[14]);
      s.lines_removed = u64(f[15]);
      const uint64_t models = u64(f[16]);
      if (!need(17 + models * 9)) {
        return false;
      }
      for (uint64_t m = 0; m < models; ++m) {
        const size_t at = 17 + m * 9;
        ClaudeModelUsage& u = s.usage[f[at]];
        u.input = u64(f[at + 1]);
        u.output = u64(f[at + 2]);
        u.thinking = u64(f[at + 3]);
        u.cache_read = u64(f[at + 4]);
        u.cache_write = u64(f[at + 5]);
        u.cache_write_5m = u64(f[at + 6]);
        u.cache_write_1h = u64(f[at + 7]);
        u.cost = std::strtod(f[at + 8].c_str(), nullptr);
      }
      st.claude.push_back(std::move(s));
    } else if (kind == "codex") {
      if (!need(18)) {
        return false;
      }
      CodexThreadState s;
      s.path = f[1];
      s.thread_id = f[2];
      s.root_id = f[3];
      s.cwd = f[4];
      s.model = f[5];
      s.last_ts = i64(f[6]);
      s.ctx = u64(f[7]);
      s.ordinal = u64(f[8]);
      s.is_subagent = f[9] == "1";
      s.thread = CodexUsage{u64(f[10]), u64(f[11]), u64(f[12]), u64(f[13])};
      s.last = CodexUsage{u64(f[14]), u64(f[15]), u64(f[16]), u64(f[17])};
      st.codex.push_back(std::move(s));
    } else if (kind == "gemini") {
      if (!need(7)) {
        return false;
      }
      GeminiChatState s;
      s.path = f[1];
      s.session_id = f[2];
      s.project = f[3];
      s.model = f[4];
      s.last_ts = i64(f[5]);
      s.ctx = u64(f[6]);
      st.gemini.push_back(std::move(s));
    } else if (!kind.empty()) {
      error = fmt::format("{}:{}: unknown record '{}'", path, line_no, kind);
      return false;
    }
  }
  return true;
}

}  // namespace tally::corpus
