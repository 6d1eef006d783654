#include "pricing/model_lookup.h"

#include <algorithm>
#include <array>

namespace tally::pricing {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

int to_int(std::string_view digits) {
  int v = 0;
  for (const char c : digits) {
    v = v * 10 + (c - '0');
  }
  return v;
}

bool plausible_date(std::string_view year, std::string_view month, std::string_view day) {
  if (!all_digits(year) || !all_digits(month) || !all_digits(day) || year.size() != 4 ||
      month.size() != 2 || day.size() != 2 || year.substr(0, 2) != "20") {
    return false;
  }
  const int m = to_int(month);
  const int d = to_int(day);
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Removes one trailing suffix from `s`; false when none applies.
bool strip_one_suffix(std::string& s) {
  const std::string_view v(s);
  // Vertex: "claude-opus-4-5@20251101", "claude-sonnet-4-6@default".
  if (const size_t at = v.rfind('@'); at != std::string_view::npos && at > 0) {
    s.resize(at);
    return true;
  }
  // "-20251101"
  if (v.size() > 9 && v[v.size() - 9] == '-' &&
      plausible_date(v.substr(v.size() - 8, 4), v.substr(v.size() - 4, 2),
                     v.substr(v.size() - 2, 2))) {
    s.resize(v.size() - 9);
    return true;
  }
  // "-2026-04-23"
  if (v.size() > 11 && v[v.size() - 11] == '-' && v[v.size() - 6] == '-' &&
      v[v.size() - 3] == '-' &&
      plausible_date(v.substr(v.size() - 10, 4), v.substr(v.size() - 5, 2),
                     v.substr(v.size() - 2, 2))) {
    s.resize(v.size() - 11);
    return true;
  }
  // Bedrock "-v1:0" / "-v1". Only after a version number ("claude-opus-4-6-v1"), so a
  // model whose name ends in its own "-v3" keeps it.
  if (const size_t dash = v.rfind("-v");
      dash != std::string_view::npos && dash > 0 && is_digit(v[dash - 1])) {
    const std::string_view tail = v.substr(dash + 2);
    const size_t colon = tail.find(':');
    const bool ok = colon == std::string_view::npos
                        ? all_digits(tail)
                        : all_digits(tail.substr(0, colon)) && all_digits(tail.substr(colon + 1));
    if (ok) {
      s.resize(dash);
      return true;
    }
  }
  if (ends_with(v, "-latest") && v.size() > 7) {
    s.resize(v.size() - 7);
    return true;
  }
  return false;
}

void add_unique(std::vector<std::string>& out, std::string name) {
  if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) {
    out.push_back(std::move(name));
  }
}

}  // namespace

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

std::string strip_provider_prefix(std::string_view model) {
  std::string s = ascii_lower(model);
  if (const size_t slash = s.rfind('/'); slash != std::string::npos) {
    s.erase(0, slash + 1);
  }
  // Bedrock cross-region ids: "us.anthropic.claude-...", "global.anthropic.claude-...".
  static constexpr std::array<std::string_view, 11> kSegments = {
      "us", "eu", "apac", "au", "jp", "ca", "global", "us-gov", "anthropic", "openai", "google"};
  for (bool stripped = true; stripped;) {
    stripped = false;
    const size_t dot = s.find('.');
    if (dot == std::string::npos) {
      break;
    }
    const std::string_view head = std::string_view(s).substr(0, dot);
    if (std::find(kSegments.begin(), kSegments.end(), head) != kSegments.end()) {
      s.erase(0, dot + 1);
      stripped = true;
    }
  }
  return s;
}

std::string strip_date_suffix(std::string_view model) {
  std::string s(model);
  while (strip_one_suffix(s)) {
  }
  return s;
}

std::vector<std::string> version_variants(std::string_view model) {
  std::string dashed(model);
  std::string dotted(model);
  for (size_t i = 1; i + 1 < model.size(); ++i) {
    if (is_digit(model[i - 1]) && is_digit(model[i + 1])) {
      if (model[i] == '.') {
        dashed[i] = '-';
      } else if (model[i] == '-') {
        dotted[i] = '.';
      }
    }
  }
  std::vector<std::string> out;
  if (dashed != model) {
    out.push_back(std::move(dashed));
  }
  if (dotted != model) {
    out.push_back(std::move(dotted));
  }
  return out;
}

std::vector<std::string> lookup_candidates(std::string_view model) {
  std::vector<std::string> out;
  add_unique(out, std::string(model));
  std::string stripped = strip_provider_prefix(model);
  add_unique(out, stripped);
  std::string undated = strip_date_suffix(stripped);
  add_unique(out, undated);
  for (std::string& variant : version_variants(undated)) {
    add_unique(out, std::move(variant));
  }
  return out;
}

}  // namespace tally::pricing
