#pragma once

// What the libFuzzer harnesses share: the entry points every harness defines, the checks
// they make on a parser's output, and the driver that feeds a FileParser a fuzzed file the
// way the scanner does (ingest/scanner.cc).
//
// A harness is one source file defining LLVMFuzzerTestOneInput; what it sets up once lives
// in function-local statics. It is linked twice: with libFuzzer (-DTALLY_FUZZ=ON, clang), and
// with replay_main.cc into a replay driver that the normal test builds run over the seed
// corpora and every saved crasher (fuzz/CMakeLists.txt).
//
// Checks come in two kinds. FUZZ_CHECK is an invariant that holds today: a violation aborts,
// so libFuzzer saves the input as a crasher. FUZZ_CHECK_STRICT is one that waits on a fix
// (none does today: issue 15's all became FUZZ_CHECKs); it runs only when TALLY_FUZZ_STRICT=1
// is set, so that the harnesses do not stop at a known defect on every run. When the fix
// lands, the check moves to FUZZ_CHECK.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/usage.h"
#include "pricing/config.h"
#include "pricing/price_row.h"
#include "sources/adapter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace tally::fuzz {

// Prints "fuzz check failed: <what> (<file>:<line>)" and aborts.
[[noreturn]] void check_failed(const char* what, const char* file, int line);

// True when TALLY_FUZZ_STRICT=1: the checks that wait on a fix run too.
bool strict();

#define FUZZ_CHECK(cond)                                      \
  do {                                                        \
    if (!(cond)) {                                            \
      ::tally::fuzz::check_failed(#cond, __FILE__, __LINE__); \
    }                                                         \
  } while (false)

#define FUZZ_CHECK_STRICT(cond)                               \
  do {                                                        \
    if (::tally::fuzz::strict() && !(cond)) {                 \
      ::tally::fuzz::check_failed(#cond, __FILE__, __LINE__); \
    }                                                         \
  } while (false)

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Feeds `input`, as the contents of `file`, to parsers of `file.agent`'s adapter:
//  1. one parser over every line: wants(), on_line() for the lines it wants, finish();
//  2. a resumed read, as the scanner's parts and a later run do: one parser over the first
//     half of the lines, save_state(), a fresh parser that restore_state()s it (must succeed)
//     and reads the rest;
//  3. the state of (1) restored into a fresh parser and saved again (must round-trip).
// Lines are split as the scanner splits them: at '\n', a trailing '\r' removed, blank lines
// counted but not handed over. Each line lives in its own allocation holding the line and
// SIMDJSON_PADDING bytes after it (the file's next bytes, then zeros), so AddressSanitizer
// sees a read past the padding. A last line without '\n' is handed over too: the scanner
// would hand it over once the agent finishes writing it.
// With `file.whole_document`, the input is one Line, as the scanner hands over a document.
void fuzz_file_parser(const sources::SourceFile& file, std::string_view input);

// The invariants of a parser's output for an input of `input_size` bytes and `lines` lines.
void check_output(const sources::ParseOutput& out, std::size_t input_size, std::int64_t lines);

// Builds the layered price table of `config` and a pricer over it (both must succeed when
// `must_build`; a user's config may fail them, with a message), then prices a request of
// every imported and overriding row's key and of every alias, at standard and at long
// context, fast, priority, flex and in the US.
void check_pricing(const pricing::PricingConfig& config, bool must_build);

// True when every bucket of `t` is non-negative and the sums total() and prompt() cannot
// overflow.
bool sane_tokens(const TokenCounts& t);

}  // namespace tally::fuzz
