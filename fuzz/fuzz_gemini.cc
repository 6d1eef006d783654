// Gemini CLI chats, the JSONL format of 0.61 on (sources/gemini.cc): a fuzzed file, read as
// the scanner reads it (fuzz_support.h). No projects.json exists under /fuzz, so the
// project is the directory name.

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tally::sources::SourceFile file{
      tally::Agent::gemini, "/fuzz/.gemini/tmp/fuzz/chats/session-2026-11-22T22-07-13f98ce9.jsonl",
      "session-2026-11-22T22-07-13f98ce9.jsonl", false, std::nullopt};
  tally::fuzz::fuzz_file_parser(file, tally::fuzz::as_text(data, size));
  return 0;
}
