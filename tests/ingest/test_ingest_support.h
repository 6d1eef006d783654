#pragma once

// Test support for ingest: a FakePricer, a throw-away directory, file writing helpers, and a
// fake adapter whose parser turns every line it is handed into a record (so scanner tests
// see exactly which lines were read, with which numbers and offsets).

#include <fmt/format.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "pricing/pricer.h"
#include "sources/adapter.h"

namespace tally::ingest::test {

// $1 per input token, $10 per output token; models starting with "unknown" take the
// record's reported cost (agent-reported) or none (unpriced).
class FakePricer final : public pricing::Pricer {
 public:
  explicit FakePricer(std::string fingerprint = "fake-1") : fingerprint_(std::move(fingerprint)) {}
  pricing::Cost price(const UsageRecord& r) const override {
    pricing::Cost c;
    if (r.model.rfind("unknown", 0) == 0) {
      if (r.reported_cost_usd) {
        c.usd = *r.reported_cost_usd;
        c.source = CostSource::agent_reported;
      }
      return c;
    }
    c.usd = static_cast<double>(r.tokens.input) + 10.0 * static_cast<double>(r.tokens.output);
    c.source = CostSource::computed;
    c.priced_as = r.model;
    return c;
  }
  std::string fingerprint() const override { return fingerprint_; }

 private:
  std::string fingerprint_;
};

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tally-ingest-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) {
      // chmod 000 files and directories must not keep the tree alive.
      for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
      }
      std::filesystem::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `text` to `path` (truncating, same inode if it exists), creating parent directories.
inline void write_file(const std::string& path, std::string_view text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline void append_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << text;
}

// Appends a line of `size` bytes (newline excluded): `head`, then filler 'x', with `needle`
// placed `needle_at` bytes from the line's start (when not empty), then '\n' unless
// `terminated` is false. Written in 1 MiB pieces, so memory stays small.
inline void append_long_line(const std::string& path, std::string_view head, std::int64_t size,
                             std::string_view needle = {}, std::int64_t needle_at = 0,
                             bool terminated = true) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << head;
  std::int64_t written = static_cast<std::int64_t>(head.size());
  const std::string filler(1 << 20, 'x');
  while (written < size) {
    std::int64_t n =
        std::min<std::int64_t>(static_cast<std::int64_t>(filler.size()), size - written);
    if (!needle.empty() && written <= needle_at && needle_at < written + n) {
      const std::int64_t before = needle_at - written;
      out.write(filler.data(), before);
      out << needle;
      written += before + static_cast<std::int64_t>(needle.size());
      continue;
    }
    out.write(filler.data(), n);
    written += n;
  }
  if (terminated) {
    out << '\n';
  }
}

// The fake agent: every line it parses becomes a record whose request_id is the line's
// text (its first 64 bytes), source_line/source_offset where the scanner said it was.
// wants() refuses lines starting with "skip"; the needle for over-long lines is "usage".
// Lines starting with "undated" become snapshots without a time (ts 0), as Claude's
// cost-state lines are before the first timestamped line. Its state counts the lines parsed
// so far; finish() reports that count as the session's
// user_prompts, so a resumed parse can be told from a fresh one. restore_state("bad") fails.
class FakeParser final : public sources::FileParser {
 public:
  explicit FakeParser(std::string path) : path_(std::move(path)) {}
  Status restore_state(std::string_view state) override {
    if (!state.starts_with("seen=")) {
      return fail(Errc::parse, "bad fake state");
    }
    seen_ = std::stoll(std::string(state.substr(5)));
    return ok();
  }
  std::string save_state() const override { return fmt::format("seen={}", seen_); }
  bool wants(std::string_view line) const override { return !line.starts_with("skip"); }
  void on_line(const sources::Line& line, sources::ParseOutput& out) override {
    ++seen_;
    if (line.text.starts_with("bad")) {
      out.problems.push_back(ParseProblem{path_, line.number, line.offset, "bad line"});
      return;
    }
    if (line.text.starts_with("undated")) {  // a snapshot waiting for a later timestamp
      CumulativeSnapshot snap;
      snap.source_file = path_;
      snap.source_offset = line.offset;
      snap.session_id = "fake-session";
      snap.model = "fake-model";
      out.snapshots.push_back(std::move(snap));
      return;
    }
    UsageRecord r;
    r.id = fmt::format("fake:{}:{}", path_, line.offset);
    r.agent = Agent::claude;
    r.ts = 1000 + line.number;
    r.session_id = "fake-session";
    r.model = "fake-model";
    r.request_id = std::string(line.text.substr(0, 64));
    r.tokens.input = static_cast<std::int64_t>(line.text.size());
    r.source_file = path_;
    r.source_line = line.number;
    r.source_offset = line.offset;
    out.records.push_back(std::move(r));
  }
  void finish(sources::ParseOutput& out) override {
    SessionFacts f;
    f.session_id = "fake-session";
    f.file_key = "fake";
    f.user_prompts = seen_;
    out.sessions.push_back(f);
  }
  std::vector<std::string_view> needles() const override { return {"usage"}; }

 private:
  std::string path_;
  std::int64_t seen_ = 0;
};

class FakeAdapter final : public sources::Adapter {
 public:
  Agent agent() const override { return Agent::claude; }
  std::vector<std::string> roots(const sources::DiscoveryEnv&) const override { return {}; }
  void discover(const sources::DiscoveryEnv&, std::vector<sources::SourceFile>&) const override {}
  std::unique_ptr<sources::FileParser> open(const sources::SourceFile& file) const override {
    return std::make_unique<FakeParser>(file.path);
  }
};

inline sources::SourceFile fake_file(const std::string& path, bool whole_document = false) {
  return sources::SourceFile{Agent::claude, path, std::filesystem::path(path).filename().string(),
                             whole_document, std::nullopt};
}

}  // namespace tally::ingest::test
