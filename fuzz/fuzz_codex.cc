// Codex CLI rollouts (sources/codex.cc): a fuzzed JSONL file, read as the scanner reads it
// (fuzz_support.h). The name carries a thread id, as real rollouts do.

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tally::sources::SourceFile file{
      tally::Agent::codex,
      "/fuzz/.codex/sessions/2026/11/22/"
      "rollout-2026-11-22T22-09-06-01a2054e-4b70-7b32-8469-63fa5300ffc9.jsonl",
      "rollout-2026-11-22T22-09-06-01a2054e-4b70-7b32-8469-63fa5300ffc9.jsonl", false,
      std::nullopt};
  tally::fuzz::fuzz_file_parser(file, tally::fuzz::as_text(data, size));
  return 0;
}
