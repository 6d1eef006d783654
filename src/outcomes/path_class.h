#pragma once

// What a changed file is for, by its path in the repository (issue 18): tests, agent
// instructions, harness files and CI are the reusable value a costly session can leave
// behind; everything else is code (or docs, data: "other" here).
//
//   test          a directory test/, tests/, __tests__/, spec/, testdata/; a file *_test.*,
//                 *.test.*, *.spec.*, test_*.py, *_spec.rb, *Test.java, *Tests.cs
//   instructions  AGENTS.md, CLAUDE.md, GEMINI.md, .cursorrules, .windsurfrules,
//                 .github/copilot-instructions.md (any directory)
//   harness       .claude/, .codex/, .gemini/, .cursor/, skills/, prompts/, SKILL.md, *.prompt.md
//   ci            .github/workflows/, .gitlab-ci.yml, .circleci/, Jenkinsfile, .buildkite/,
//                 azure-pipelines.yml
//
// The first class that matches, in the order instructions, harness, ci, test, wins.

#include <string_view>

namespace tally::outcomes {

enum class PathClass { other, test, instructions, harness, ci };

PathClass classify_path(std::string_view path);

}  // namespace tally::outcomes
