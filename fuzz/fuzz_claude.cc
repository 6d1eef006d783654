// Claude Code transcripts (sources/claude.cc): a fuzzed JSONL file, read as the scanner reads
// it (fuzz_support.h).

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tally::sources::SourceFile file{
      tally::Agent::claude,
      "/fuzz/.claude/projects/-fuzz-project/5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl",
      "5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl", false, std::nullopt};
  tally::fuzz::fuzz_file_parser(file, tally::fuzz::as_text(data, size));
  return 0;
}
