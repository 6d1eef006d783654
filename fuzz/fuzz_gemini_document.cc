// Gemini CLI chats in the older format, one JSON document per file (session-*.json,
// SourceFile::whole_document): the fuzzed input is the document (fuzz_support.h).

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tally::sources::SourceFile file{
      tally::Agent::gemini,
      "/fuzz/.gemini/tmp/13bbde17/chats/session-2025-08-01T09-00-5f2e8c1a.json",
      "session-2025-08-01T09-00-5f2e8c1a.json", true, std::nullopt};
  tally::fuzz::fuzz_file_parser(file, tally::fuzz::as_text(data, size));
  return 0;
}
