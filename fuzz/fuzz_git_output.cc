// The git output parsers (sources/git_output.h): the input is a shell command and, the same
// bytes, a tool call's output.
//
// Checks:
//  * every step names a known action, and a step's dir is "" or comes from the command;
//  * every commit header's SHA is 7-64 lowercase hex, its branch non-empty without control
//    characters, its subject at most kMaxSubjectBytes without a line break; printing a
//    header back as git does and parsing it gives the same header;
//  * every pull request link is a substring of the output, numbered above 0, listed once.

#include <string>

#include "fuzz_support.h"
#include "sources/git_output.h"

namespace {

using tally::sources::CommitHeader;

bool is_lower_hex(const std::string& s) {
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return s.size() >= 7 && s.size() <= 64;
}

bool has_control(const std::string& s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = tally::fuzz::as_text(data, size);

  for (const tally::sources::GitStep& step : tally::sources::classify_git_command(text)) {
    FUZZ_CHECK(!tally::sources::git_action_name(step.action).empty());
    FUZZ_CHECK(step.dir.size() <= 2 * text.size() + 1);
  }

  for (const CommitHeader& h : tally::sources::parse_commit_headers(text)) {
    FUZZ_CHECK(is_lower_hex(h.short_sha));
    FUZZ_CHECK(!h.branch.empty() && !has_control(h.branch));
    FUZZ_CHECK(h.subject.size() <= tally::sources::kMaxSubjectBytes);
    FUZZ_CHECK(!has_control(h.subject));
    const std::string line =
        "[" + h.branch + (h.root_commit ? " (root-commit) " : " ") + h.short_sha + "] " + h.subject;
    const auto again = tally::sources::parse_commit_headers(line);
    FUZZ_CHECK(again.size() == 1 && again[0] == h);
  }

  const auto links = tally::sources::parse_pull_request_links(text);
  for (std::size_t i = 0; i < links.size(); ++i) {
    FUZZ_CHECK(links[i].number > 0);
    FUZZ_CHECK(text.find(links[i].url) != std::string_view::npos);
    for (std::size_t j = 0; j < i; ++j) {
      FUZZ_CHECK(!(links[j] == links[i]));
    }
  }
  return 0;
}
