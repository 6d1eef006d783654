// outcomes/path_class: what a changed file is for, on paths of the kinds real repositories hold.

#include "outcomes/path_class.h"

#include <gtest/gtest.h>

namespace tally::outcomes {
namespace {

TEST(PathClassTest, TestsInstructionsHarnessCiAndTheRest) {
  for (const char* p : {"tests/test_widget.py", "test/a.c", "src/__tests__/x.js", "pkg/a_test.go",
                        "web/app.test.ts", "web/app.spec.js", "test_cli.py", "spec/models/user_spec.rb",
                        "src/WidgetTest.java", "tests/data/big.json"}) {
    EXPECT_EQ(classify_path(p), PathClass::test) << p;
  }
  for (const char* p : {"AGENTS.md", "sub/CLAUDE.md", "GEMINI.md", ".cursorrules",
                        ".github/copilot-instructions.md"}) {
    EXPECT_EQ(classify_path(p), PathClass::instructions) << p;
  }
  for (const char* p : {".claude/settings.json", ".codex/config.toml", "skills/review/SKILL.md",
                        "prompts/fix.md", "docs/triage.prompt.md", ".gemini/x"}) {
    EXPECT_EQ(classify_path(p), PathClass::harness) << p;
  }
  for (const char* p : {".github/workflows/ci.yml", ".gitlab-ci.yml", "Jenkinsfile",
                        ".circleci/config.yml"}) {
    EXPECT_EQ(classify_path(p), PathClass::ci) << p;
  }
  for (const char* p : {"widget.py", "src/contest.py", "latest.c", "testing.md", "docs/tests.md",
                        "README.md", "attest/x.py"}) {
    EXPECT_EQ(classify_path(p), PathClass::other) << p;
  }
}

}  // namespace
}  // namespace tally::outcomes
