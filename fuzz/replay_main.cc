// The replay driver: runs a harness's LLVMFuzzerTestOneInput over every file in the
// directories (or files) given, as libFuzzer runs a corpus, without libFuzzer. The normal
// test builds (gcc, and gcc with ASan+UBSan) link every harness with it, so the seed corpora
// and the saved crashers are regression tests wherever the suite runs (fuzz/CMakeLists.txt).
//
//   replay_<harness> [--allow-missing] PATH...
//
// Each input is copied into an allocation of its exact size, as libFuzzer does, so that a
// read past its end is AddressSanitizer's to see. A crash or a failed check ends the run
// (the input's path was printed just before); exit status 0 means every input ran. A
// missing PATH fails the run unless --allow-missing (fuzz/regressions/<harness> exists only
// once a crasher was saved).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"

namespace fs = std::filesystem;

namespace {

bool read_file(const fs::path& path, std::vector<char>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  bool allow_missing = false;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--allow-missing") {
      allow_missing = true;
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const fs::directory_entry& e : fs::recursive_directory_iterator(arg, ec)) {
        if (e.is_regular_file(ec)) {
          inputs.push_back(e.path());
        }
      }
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.emplace_back(arg);
    } else if (!allow_missing) {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(inputs.begin(), inputs.end());  // a stable order, so a failure reproduces

  std::vector<char> bytes;
  for (const fs::path& path : inputs) {
    if (!read_file(path, bytes)) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 2;
    }
    std::fprintf(stderr, "replay: %s\n", path.c_str());
    const auto copy = std::make_unique<std::uint8_t[]>(std::max<std::size_t>(bytes.size(), 1));
    std::copy(bytes.begin(), bytes.end(), copy.get());
    LLVMFuzzerTestOneInput(copy.get(), bytes.size());
  }
  std::fprintf(stderr, "replay: %zu inputs ran\n", inputs.size());
  return 0;
}
