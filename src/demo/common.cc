#include "demo/common.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <iterator>

namespace tally::corpus {
namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Words that make the filler look like what agents log: prose, code, paths and shell output.
constexpr std::array<std::string_view, 96> kWords = {"the",
                                                     "a",
                                                     "to",
                                                     "of",
                                                     "and",
                                                     "in",
                                                     "is",
                                                     "for",
                                                     "that",
                                                     "this",
                                                     "with",
                                                     "we",
                                                     "file",
                                                     "function",
                                                     "return",
                                                     "const",
                                                     "auto",
                                                     "std::string",
                                                     "int",
                                                     "void",
                                                     "if",
                                                     "else",
                                                     "for",
                                                     "while",
                                                     "{",
                                                     "}",
                                                     "(x)",
                                                     "[i]",
                                                     "=>",
                                                     "==",
                                                     "+=",
                                                     "->",
                                                     "::",
                                                     "nullptr",
                                                     "true",
                                                     "false",
                                                     "src/ingest",
                                                     "scanner.cc",
                                                     "README.md",
                                                     "package.json",
                                                     "Cargo.toml",
                                                     "main.py",
                                                     "error:",
                                                     "warning:",
                                                     "note:",
                                                     "test",
                                                     "passed",
                                                     "failed",
                                                     "build",
                                                     "cmake",
                                                     "npm",
                                                     "git",
                                                     "diff",
                                                     "commit",
                                                     "--verbose",
                                                     "-j2",
                                                     "42",
                                                     "1024",
                                                     "0x7f3a",
                                                     "3.14",
                                                     "users",
                                                     "request",
                                                     "response",
                                                     "tokens",
                                                     "cache",
                                                     "model",
                                                     "refactor",
                                                     "parse",
                                                     "line",
                                                     "bytes",
                                                     "offset",
                                                     "buffer",
                                                     "\\n",
                                                     "\\n\\n",
                                                     "\\t",
                                                     "\\\"quoted\\\"",
                                                     "C:\\\\tmp",
                                                     "\\u00e9t\\u00e9",
                                                     "caf\xc3\xa9",
                                                     "\xe2\x86\x92",
                                                     "\xe2\x80\x94",
                                                     "na\xc3\xafve",
                                                     "<tag>",
                                                     "</tag>",
                                                     "//",
                                                     "#",
                                                     "*",
                                                     "-",
                                                     "1.",
                                                     "2.",
                                                     "Let",
                                                     "I'll",
                                                     "Now",
                                                     "Then",
                                                     "Check",
                                                     "Done."};

constexpr size_t kPoolBytes = 4u << 20;

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3u : 9u)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second, milli;
};

Civil civil_from_ms(Millis ms) {
  int64_t days = ms / 86'400'000;
  int64_t rem = ms % 86'400'000;
  if (rem < 0) {
    rem += 86'400'000;
    --days;
  }
  // Howard Hinnant's civil_from_days.
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Civil c{};
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2 ? 1 : 0);
  const auto r = static_cast<unsigned>(rem);
  c.hour = r / 3'600'000;
  c.minute = r / 60'000 % 60;
  c.second = r / 1000 % 60;
  c.milli = r % 1000;
  return c;
}

}  // namespace

Rng::Rng(uint64_t seed) {
  for (auto& s : s_) {
    s = splitmix64(seed);
  }
}

uint64_t Rng::next() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t Rng::range(uint64_t lo, uint64_t hi) {
  const uint64_t span = hi - lo + 1;
  if (span == 0) {
    return next();
  }
  return lo + next() % span;
}

double Rng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

uint64_t Rng::lognormal(double median, double sigma, uint64_t lo, uint64_t hi) {
  // Box-Muller; 1 - unit() keeps the logarithm finite.
  const double u1 = 1.0 - unit();
  const double u2 = unit();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  const double v = median * std::exp(sigma * z);
  if (v <= static_cast<double>(lo)) {
    return lo;
  }
  if (v >= static_cast<double>(hi)) {
    return hi;
  }
  return static_cast<uint64_t>(v);
}

Rng Rng::fork(uint64_t salt) { return Rng(next() ^ (salt * 0xd1342543de82ef95ULL)); }

Filler::Filler(uint64_t seed) {
  Rng rng(seed ^ 0xf111e7ULL);
  pool_.reserve(kPoolBytes + 64);
  while (pool_.size() < kPoolBytes) {
    pool_.append(kWords[rng.range(0, kWords.size() - 1)]);
    pool_.push_back(' ');
  }
}

void Filler::append(std::string& out, size_t n, Rng& rng) const {
  const size_t chunk_max = pool_.size() / 2;
  while (true) {
    const size_t want = n < chunk_max ? n : chunk_max;
    size_t start = rng.range(0, pool_.size() - want - 64);
    // Start just after a space and end just before one: escapes and UTF-8 never straddle.
    while (pool_[start] != ' ') {
      ++start;
    }
    ++start;
    size_t end = start + (want > 0 ? want : 1);
    while (end > start + 1 && pool_[end] != ' ') {
      --end;
    }
    if (pool_[end] != ' ') {
      end = pool_.find(' ', start);
    }
    out.append(pool_, start, end - start);
    if (n <= chunk_max) {
      return;
    }
    n -= want;
    out.push_back(' ');
  }
}

std::string Filler::phrase(size_t n, Rng& rng) const {
  std::string s;
  append(s, n, rng);
  return s;
}

std::string hex_id(Rng& rng, size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(digits, '0');
  uint64_t bits = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (i % 16 == 0) {
      bits = rng.next();
    }
    s[i] = kHex[bits & 15];
    bits >>= 4;
  }
  return s;
}

std::string base62_id(Rng& rng, size_t digits) {
  static constexpr char kAlpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string s(digits, '0');
  for (auto& c : s) {
    c = kAlpha[rng.next() % 62];
  }
  return s;
}

std::string uuid4(Rng& rng) {
  std::string h = hex_id(rng, 32);
  h[12] = '4';
  h[16] = "89ab"[rng.next() & 3];
  return fmt::format("{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4),
                     h.substr(16, 4), h.substr(20, 12));
}

std::string uuid7(Rng& rng, int64_t ms) {
  std::string h =
      fmt::format("{:012x}", static_cast<uint64_t>(ms) & 0xffffffffffffULL) + hex_id(rng, 20);
  h[12] = '7';
  h[16] = "89ab"[rng.next() & 3];
  return fmt::format("{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4),
                     h.substr(16, 4), h.substr(20, 12));
}

void append_iso_ms(std::string& out, Millis ms) {
  const Civil c = civil_from_ms(ms);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", c.year,
                 c.month, c.day, c.hour, c.minute, c.second, c.milli);
}

std::string iso_ms(Millis ms) {
  std::string s;
  append_iso_ms(s, ms);
  return s;
}

std::string date_dash(Millis ms) {
  const Civil c = civil_from_ms(ms);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::string date_slash(Millis ms) {
  const Civil c = civil_from_ms(ms);
  return fmt::format("{:04}/{:02}/{:02}", c.year, c.month, c.day);
}

std::string name_stamp_seconds(Millis ms) {
  const Civil c = civil_from_ms(ms);
  return fmt::format("{:04}-{:02}-{:02}T{:02}-{:02}-{:02}", c.year, c.month, c.day, c.hour,
                     c.minute, c.second);
}

std::string name_stamp_minutes(Millis ms) {
  const Civil c = civil_from_ms(ms);
  return fmt::format("{:04}-{:02}-{:02}T{:02}-{:02}", c.year, c.month, c.day, c.hour, c.minute);
}

bool parse_time_arg(std::string_view text, Millis& out) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    out = static_cast<Millis>(std::stoll(std::string(text))) * 1000;
    return true;
  }
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const std::string t(text);
  if (std::sscanf(t.c_str(), "%4u-%2u-%2uT%2u:%2u:%2u", &y, &mo, &d, &h, &mi, &s) != 6 || mo < 1 ||
      mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return false;
  }
  out = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000;
  return true;
}

Tokens& Tokens::operator+=(const Tokens& o) {
  requests += o.requests;
  input += o.input;
  cache_read += o.cache_read;
  cache_write += o.cache_write;
  cache_write_1h += o.cache_write_1h;
  output += o.output;
  reasoning += o.reasoning;
  return *this;
}

void append_totals_json(std::string& out, const TotalsMap& totals, std::string_view indent) {
  auto it = std::back_inserter(out);
  out.append("{");
  bool first = true;
  for (const auto& [key, t] : totals) {
    fmt::format_to(it,
                   "{}\n{}  \"{}/{}\": {{\"requests\": {}, \"input_tokens\": {}, "
                   "\"cache_read_tokens\": {}, \"cache_write_tokens\": {}, "
                   "\"cache_write_1h_tokens\": {}, \"output_tokens\": {}, "
                   "\"reasoning_tokens\": {}, \"total_tokens\": {}}}",
                   first ? "" : ",", indent, key.first, key.second, t.requests, t.input,
                   t.cache_read, t.cache_write, t.cache_write_1h, t.output, t.reasoning, t.total());
    first = false;
  }
  fmt::format_to(it, "\n{}}}", indent);
}

OutFile::~OutFile() { close(); }

bool OutFile::open(const std::string& path, bool append) {
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && !make_dirs(path.substr(0, slash))) {
    return false;
  }
  file_ = std::fopen(path.c_str(), append ? "ab" : "wb");
  ok_ = file_ != nullptr;
  buf_.clear();
  flushed_ = 0;
  return ok_;
}

void OutFile::flush() {
  if (file_ == nullptr || buf_.empty()) {
    return;
  }
  if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) {
    ok_ = false;
  }
  flushed_ += buf_.size();
  buf_.clear();
}

bool OutFile::close() {
  if (file_ == nullptr) {
    return ok_;
  }
  flush();
  if (std::fclose(file_) != 0) {
    ok_ = false;
  }
  file_ = nullptr;
  return ok_;
}

bool make_dirs(const std::string& path) {
  if (path.empty()) {
    return true;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    return S_ISDIR(st.st_mode);
  }
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0 && !make_dirs(path.substr(0, slash))) {
    return false;
  }
  return ::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

Price price_for(std::string_view model) {
  if (model.find("opus") != std::string_view::npos) {
    return {5.0, 25.0, 0.5, 6.25, 10.0};
  }
  if (model.find("sonnet") != std::string_view::npos) {
    return {3.0, 15.0, 0.3, 3.75, 6.0};
  }
  if (model.find("haiku") != std::string_view::npos) {
    return {1.0, 5.0, 0.1, 1.25, 2.0};
  }
  if (model == "gpt-5.4") {
    return {2.5, 15.0, 0.25, 0.0, 0.0};
  }
  if (model.find("gemini") != std::string_view::npos) {
    return {2.0, 12.0, 0.2, 0.0, 0.0};
  }
  return {5.0, 30.0, 0.5, 0.0, 0.0};
}

}  // namespace tally::corpus
