#include "outcomes/path_class.h"

#include <algorithm>
#include <array>

namespace tally::outcomes {
namespace {

// Whether `path` has a directory component named `dir`.
bool in_dir(std::string_view path, std::string_view dir) {
  size_t start = 0;
  while (start < path.size()) {
    const size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      return false;  // the last component is the file itself
    }
    if (path.substr(start, slash - start) == dir) {
      return true;
    }
    start = slash + 1;
  }
  return false;
}

bool any_dir(std::string_view path, std::initializer_list<std::string_view> dirs) {
  return std::any_of(dirs.begin(), dirs.end(), [&](std::string_view d) { return in_dir(path, d); });
}

bool any_name(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return name == n; });
}

}  // namespace

PathClass classify_path(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = name.find('.');
  const std::string_view stem = dot == std::string_view::npos ? name : name.substr(0, dot);

  if (any_name(name, {"AGENTS.md", "CLAUDE.md", "GEMINI.md", ".cursorrules", ".windsurfrules",
                      "copilot-instructions.md"})) {
    return PathClass::instructions;
  }
  if (any_dir(path, {".claude", ".codex", ".gemini", ".cursor", "skills", "prompts"}) ||
      name == "SKILL.md" || name.ends_with(".prompt.md")) {
    return PathClass::harness;
  }
  if (path.starts_with(".github/workflows/") || path.find("/.github/workflows/") != std::string_view::npos ||
      any_dir(path, {".circleci", ".buildkite"}) ||
      any_name(name, {".gitlab-ci.yml", "Jenkinsfile", "azure-pipelines.yml"})) {
    return PathClass::ci;
  }
  if (any_dir(path, {"test", "tests", "__tests__", "spec", "testdata"}) ||
      stem.ends_with("_test") || stem.ends_with("_spec") || stem.ends_with("Test") ||
      stem.ends_with("Tests") || (stem.starts_with("test_") && name.ends_with(".py")) ||
      name.find(".test.") != std::string_view::npos ||
      name.find(".spec.") != std::string_view::npos) {
    return PathClass::test;
  }
  return PathClass::other;
}

}  // namespace tally::outcomes
