#include "fuzz_support.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "pricing/table_pricer.h"

namespace tally::fuzz {
namespace {

// One line of the fuzzed file, in an allocation of its own: the line, then the padding.
struct OwnedLine {
  std::unique_ptr<char[]> bytes;
  sources::Line line;
};

std::vector<OwnedLine> split_lines(std::string_view input) {
  std::vector<OwnedLine> lines;
  std::int64_t number = 0;
  std::size_t pos = 0;
  while (pos < input.size()) {
    std::size_t nl = input.find('\n', pos);
    if (nl == std::string_view::npos) {
      nl = input.size();
    }
    ++number;
    std::size_t len = nl - pos;
    if (len > 0 && input[pos + len - 1] == '\r') {
      --len;
    }
    if (len > 0) {
      OwnedLine owned;
      const std::size_t room = len + simdjson::SIMDJSON_PADDING;
      owned.bytes = std::make_unique<char[]>(room);  // zero-filled
      std::memcpy(owned.bytes.get(), input.data() + pos, std::min(room, input.size() - pos));
      owned.line.text = std::string_view(owned.bytes.get(), len);
      owned.line.number = number;
      owned.line.offset = static_cast<std::int64_t>(pos);
      lines.push_back(std::move(owned));
    }
    pos = nl + 1;
  }
  return lines;
}

// The parser an ingest thread lends to every file it scans.
simdjson::ondemand::parser& thread_parser() {
  static simdjson::ondemand::parser parser;
  return parser;
}

void feed(sources::FileParser& parser, std::vector<OwnedLine>& lines, std::size_t from,
          std::size_t to, sources::ParseOutput& out) {
  for (std::size_t i = from; i < to; ++i) {
    sources::Line& line = lines[i].line;
    line.json = &thread_parser();
    ++out.lines;
    if (parser.wants(line.text)) {
      parser.on_line(line, out);
    } else {
      ++out.skipped_lines;
    }
  }
  parser.finish(out);
}

const sources::Adapter& adapter_for(Agent agent) {
  static const std::vector<std::unique_ptr<sources::Adapter>> adapters = sources::all_adapters();
  for (const auto& a : adapters) {
    if (a->agent() == agent) {
      return *a;
    }
  }
  std::fprintf(stderr, "fuzz: no adapter for agent %d\n", static_cast<int>(agent.index()));
  std::abort();
}

std::set<std::string> record_ids(const sources::ParseOutput& out) {
  std::set<std::string> ids;
  for (const UsageRecord& r : out.records) {
    ids.insert(r.id);
  }
  return ids;
}

bool add_overflows(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum);
}

}  // namespace

void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", what, file, line);
  std::fflush(stderr);
  std::abort();
}

bool strict() {
  static const bool on = [] {
    const char* v = std::getenv("TALLY_FUZZ_STRICT");
    return v != nullptr && std::string_view(v) == "1";
  }();
  return on;
}

bool sane_tokens(const TokenCounts& t) {
  for (const std::int64_t v :
       {t.input, t.cache_read, t.cache_write, t.cache_write_1h, t.output, t.reasoning}) {
    if (v < 0) {
      return false;
    }
  }
  return !add_overflows(t.input, t.cache_read) &&
         !add_overflows(t.input + t.cache_read, t.cache_write) &&
         !add_overflows(t.input + t.cache_read + t.cache_write, t.output);
}

void check_output(const sources::ParseOutput& out, std::size_t input_size, std::int64_t lines) {
  const auto size = static_cast<std::int64_t>(input_size);
  for (const UsageRecord& r : out.records) {
    FUZZ_CHECK(!r.id.empty());
    FUZZ_CHECK(r.source_line >= 1 && r.source_line <= lines);
    FUZZ_CHECK(r.source_offset >= 0 && r.source_offset < size);
    FUZZ_CHECK(!r.reported_cost_usd || std::isfinite(*r.reported_cost_usd));
    // Counts are checked on entry (negative, over 2^53, not integral) and reported as
    // problems, never stored (sources/json_fields.h read_count).
    FUZZ_CHECK(sane_tokens(r.tokens));
    FUZZ_CHECK(r.tokens.total() <= (std::int64_t{1} << 53));
    FUZZ_CHECK(r.web_search_requests >= 0);
  }
  for (const CumulativeSnapshot& s : out.snapshots) {
    FUZZ_CHECK(s.source_offset >= 0 && s.source_offset < size);
    FUZZ_CHECK(!s.cost_usd || std::isfinite(*s.cost_usd));
    FUZZ_CHECK(sane_tokens(s.tokens));
    FUZZ_CHECK(s.web_search_requests >= 0);
  }
  for (const ParseProblem& p : out.problems) {
    FUZZ_CHECK(p.line >= 0 && p.line <= lines);
    FUZZ_CHECK(p.offset >= 0 && p.offset <= size);
    FUZZ_CHECK(!p.what.empty());
  }
  for (const SessionFacts& f : out.sessions) {
    FUZZ_CHECK(f.compaction_tokens.size() == static_cast<std::size_t>(f.compactions));
    FUZZ_CHECK(f.files_touched.size() <= kMaxFilesTouched);
    FUZZ_CHECK(f.user_prompts >= 0 && f.commands >= 0 && f.responses >= 0 && f.errors >= 0);
    // Claude writes lines added and removed as running totals: taken from the log as is.
    FUZZ_CHECK(f.lines_added >= 0 && f.lines_removed >= 0);
  }
  FUZZ_CHECK(out.skipped_lines >= 0 && out.skipped_lines <= out.lines);
}

void fuzz_file_parser(const sources::SourceFile& file, std::string_view input) {
  const sources::Adapter& adapter = adapter_for(file.agent);
  std::vector<OwnedLine> lines;
  if (file.whole_document) {
    // The scanner reads a document into its line buffer, padded with zeros.
    OwnedLine doc;
    doc.bytes = std::make_unique<char[]>(input.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(doc.bytes.get(), input.data(), input.size());
    doc.line.text = std::string_view(doc.bytes.get(), input.size());
    doc.line.number = 1;
    lines.push_back(std::move(doc));
  } else {
    lines = split_lines(input);
  }
  const std::int64_t line_count =
      lines.empty() ? 0 : std::max<std::int64_t>(lines.back().line.number, 1);

  // 1. One run over the whole file.
  sources::ParseOutput whole;
  std::unique_ptr<sources::FileParser> a = adapter.open(file);
  feed(*a, lines, 0, lines.size(), whole);
  check_output(whole, input.size(), line_count);
  const std::string state = a->save_state();

  // 2. The same file read in two runs, the second resumed from the first's state.
  const std::size_t half = lines.size() / 2;
  sources::ParseOutput first;
  std::unique_ptr<sources::FileParser> b = adapter.open(file);
  feed(*b, lines, 0, half, first);
  check_output(first, input.size(), line_count);
  std::unique_ptr<sources::FileParser> c = adapter.open(file);
  const Status resumed = c->restore_state(b->save_state());
  FUZZ_CHECK(resumed.has_value());
  sources::ParseOutput second;
  feed(*c, lines, half, lines.size(), second);
  check_output(second, input.size(), line_count);
  if (!file.whole_document) {
    // Resuming must not change the result (tests/cli/crash_test.cc checks this on the real
    // logs): the same final state, and the same responses.
    FUZZ_CHECK(c->save_state() == state);
    std::set<std::string> split_ids = record_ids(first);
    split_ids.merge(record_ids(second));
    FUZZ_CHECK(split_ids == record_ids(whole));
  }

  // 3. A saved state reads back as itself.
  std::unique_ptr<sources::FileParser> d = adapter.open(file);
  FUZZ_CHECK(d->restore_state(state).has_value());
  FUZZ_CHECK(d->save_state() == state);
}

void check_pricing(const pricing::PricingConfig& config, bool must_build) {
  auto table = pricing::build_price_table(config);
  FUZZ_CHECK(table.has_value() || !must_build);
  if (!table) {
    FUZZ_CHECK(!table.error().message.empty());
    return;
  }
  auto pricer = pricing::TablePricer::create(std::move(*table), config.aliases);
  FUZZ_CHECK(pricer.has_value() || !must_build);
  if (!pricer) {
    FUZZ_CHECK(!pricer.error().message.empty());
    return;
  }
  std::vector<std::string> models;
  for (const auto* rows : {&config.imported, &config.overrides}) {
    for (const pricing::PriceRow& row : *rows) {
      models.push_back(row.key);
    }
  }
  for (const auto& [alias, target] : config.aliases) {
    models.push_back(alias);
  }
  UsageRecord r;
  r.ts = 1'795'000'000'000;
  r.reported_cost_usd = 0.25;
  for (const std::string& model : models) {
    r.model = model;
    for (const std::int64_t input : {std::int64_t{1200}, std::int64_t{300'000}}) {
      r.tokens = TokenCounts{input, 5000, 2000, 1000, 800, 300};
      for (const char* tier : {"", "priority", "flex"}) {
        r.service_tier = tier;
        r.speed = *tier == '\0' ? "fast" : "standard";
        r.inference_geo = *tier == '\0' ? "us" : "";
        const pricing::Cost cost = (*pricer)->price(r);
        // Rates and multipliers are bounded (price_row.cc resolve_row), so a cost of any
        // count is finite.
        FUZZ_CHECK(!std::isnan(cost.usd) && !std::isnan(cost.standard_usd));
        FUZZ_CHECK(std::isfinite(cost.usd) && cost.usd >= 0);
      }
    }
  }
  (void)(*pricer)->fingerprint();
}

}  // namespace tally::fuzz
