#include "demo/workspace.h"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <iterator>

namespace tally::corpus {
namespace {

// Made-up but ordinary projects: a web front end, a Go API, a Python pipeline, Terraform, a
// Rust command line tool and docs. The files are what a session there reads and edits.
constexpr std::array<std::string_view, 12> kWebappFiles = {"src/components/Dashboard.tsx",
                                                           "src/components/SessionTable.tsx",
                                                           "src/components/BillingPage.tsx",
                                                           "src/api/client.ts",
                                                           "src/hooks/useUsage.ts",
                                                           "src/utils/format.ts",
                                                           "src/store/session.ts",
                                                           "src/pages/Settings.tsx",
                                                           "tests/format.test.ts",
                                                           "tests/SessionTable.test.tsx",
                                                           "package.json",
                                                           "vite.config.ts"};
constexpr std::array<std::string_view, 6> kWebappCommands = {
    "npm test",         "npm run lint", "npm run build",
    "npx tsc --noEmit", "git status",   "npx vitest run tests/format.test.ts"};

constexpr std::array<std::string_view, 9> kApiFiles = {"cmd/server/main.go",
                                                       "internal/handlers/usage.go",
                                                       "internal/handlers/auth.go",
                                                       "internal/handlers/usage_test.go",
                                                       "internal/store/postgres.go",
                                                       "internal/store/migrations/0007_rollup.sql",
                                                       "internal/billing/invoice.go",
                                                       "internal/billing/invoice_test.go",
                                                       "go.mod"};
constexpr std::array<std::string_view, 5> kApiCommands = {
    "go test ./...", "go vet ./...", "go build ./cmd/server", "golangci-lint run",
    "git log --oneline -5"};

constexpr std::array<std::string_view, 8> kPipelineFiles = {
    "pipeline/train.py",      "pipeline/features.py", "pipeline/data/loader.py", "pipeline/eval.py",
    "tests/test_features.py", "tests/test_loader.py", "configs/base.yaml",       "pyproject.toml"};
constexpr std::array<std::string_view, 4> kPipelineCommands = {
    "pytest -q", "ruff check .", "python -m pipeline.eval --config configs/base.yaml",
    "git status"};

constexpr std::array<std::string_view, 6> kInfraFiles = {
    "modules/network/main.tf", "modules/db/main.tf",   "modules/db/variables.tf",
    "envs/prod/main.tf",       "envs/staging/main.tf", ".github/workflows/deploy.yml"};
constexpr std::array<std::string_view, 4> kInfraCommands = {
    "terraform fmt -check -recursive", "terraform validate", "terraform plan -out plan.tfplan",
    "git status"};

constexpr std::array<std::string_view, 6> kCliFiles = {
    "src/main.rs",  "src/config.rs", "src/commands/sync.rs", "src/commands/report.rs",
    "tests/cli.rs", "Cargo.toml"};
constexpr std::array<std::string_view, 4> kCliCommands = {
    "cargo test", "cargo clippy -- -D warnings", "cargo build --release", "git status"};

constexpr std::array<std::string_view, 5> kDocsFiles = {
    "docs/getting-started.md", "docs/api/usage.md", "docs/billing.md", "mkdocs.yml", "README.md"};
constexpr std::array<std::string_view, 3> kDocsCommands = {"mkdocs build --strict",
                                                           "npx markdownlint docs", "git status"};

struct Layout {
  std::string_view repo, worktree, branch;
  double weight;
  std::span<const std::string_view> files, commands;
};

// The web app is where most of the work happens, in its main checkout and three worktrees
// (parallel sessions on separate branches); the API has one worktree.
const std::array<Layout, 10> kLayout = {{
    {"webapp", "", "main", 0.16, kWebappFiles, kWebappCommands},
    {"webapp", "wt1", "feature/billing-page", 0.10, kWebappFiles, kWebappCommands},
    {"webapp", "wt2", "fix/session-table", 0.09, kWebappFiles, kWebappCommands},
    {"webapp", "wt3", "feature/dark-mode", 0.07, kWebappFiles, kWebappCommands},
    {"api", "", "main", 0.14, kApiFiles, kApiCommands},
    {"api", "wt1", "feature/invoices", 0.06, kApiFiles, kApiCommands},
    {"ml-pipeline", "", "main", 0.14, kPipelineFiles, kPipelineCommands},
    {"infra", "", "main", 0.10, kInfraFiles, kInfraCommands},
    {"cli-tools", "", "main", 0.08, kCliFiles, kCliCommands},
    {"docs", "", "main", 0.06, kDocsFiles, kDocsCommands},
}};

// Task prompts; `{}` is a file of the project.
constexpr std::array<std::string_view, 12> kTasks = {
    "Fix the failing test in {}",
    "Add pagination to the list in {}",
    "Refactor {} so that errors are handled in one place",
    "Why is {} slow on large inputs? Profile it and fix the hot spot",
    "Review the changes on this branch, starting with {}",
    "Add tests for the edge cases in {}",
    "Rename the config option read in {} and update every caller",
    "The CI build fails in {}: find out why and fix it",
    "Write the migration the issue describes, starting from {}",
    "Clean up the TODOs in {}",
    "Explain how {} works and document it",
    "Port {} to the new API client"};

// Hunks of an apply_patch body, newlines escaped; `{}` is the hunk's context line.
constexpr std::array<std::string_view, 4> kHunks = {
    "@@ {}\\n-  return value;\\n+  return value ?? fallback;\\n",
    "@@ {}\\n-  // TODO: handle the empty case\\n+  if (items.length === 0) {{\\n+    return "
    "[];\\n+  }}"
    "\\n",
    "@@ {}\\n-const limit = 50\\n+const limit = pageSize\\n+const offset = page * pageSize\\n",
    "@@ {}\\n-    retries = 3\\n+    retries = config.retries\\n"};
constexpr std::array<std::string_view, 4> kContexts = {"func handle(", "export function load(",
                                                       "def run(", "fn main("};

bool write_file(const std::string& path, const std::string& text) {
  OutFile f;
  if (!f.open(path, false)) {
    return false;
  }
  f.buf() = text;
  return f.close();
}

}  // namespace

Workspace::Workspace(const std::string& home) {
  src_ = (std::filesystem::absolute(home).lexically_normal() / "src").string();
  for (const Layout& l : kLayout) {
    Project p;
    p.repo = std::string(l.repo);
    p.worktree = std::string(l.worktree);
    p.cwd = src_ + "/" + p.repo;
    if (!p.worktree.empty()) {
      p.cwd += "/.worktrees/" + p.worktree;
    }
    p.cwd_json = json_escape(p.cwd);
    p.name = p.worktree.empty() ? p.repo : p.repo + "-" + p.worktree;
    p.branch = std::string(l.branch);
    p.weight = l.weight;
    p.files = l.files;
    p.commands = l.commands;
    projects_.push_back(std::move(p));
  }
}

bool Workspace::create() const {
  for (const Project& p : projects_) {
    const std::string repo = src_ + "/" + p.repo;
    if (p.worktree.empty()) {
      if (!write_file(repo + "/.git/HEAD", fmt::format("ref: refs/heads/{}\n", p.branch))) {
        return false;
      }
      continue;
    }
    const std::string admin = repo + "/.git/worktrees/" + p.worktree;
    if (!write_file(p.cwd + "/.git", fmt::format("gitdir: {}\n", admin)) ||
        !write_file(admin + "/commondir", "../..\n") ||
        !write_file(admin + "/gitdir", p.cwd + "/.git\n") ||
        !write_file(admin + "/HEAD", fmt::format("ref: refs/heads/{}\n", p.branch))) {
      return false;
    }
  }
  return true;
}

const Project& Workspace::pick(Rng& rng) const {
  double u = rng.unit();
  for (const Project& p : projects_) {
    if (u < p.weight) {
      return p;
    }
    u -= p.weight;
  }
  return projects_.front();
}

const Project* Workspace::find(std::string_view cwd) const {
  for (const Project& p : projects_) {
    if (p.cwd_json == cwd) {
      return &p;
    }
  }
  return nullptr;
}

std::string task_prompt(const Project& p, Rng& rng) {
  return fmt::format(fmt::runtime(kTasks[rng.range(0, kTasks.size() - 1)]), source_file(p, rng));
}

std::string_view source_file(const Project& p, Rng& rng) {
  return p.files[rng.range(0, p.files.size() - 1)];
}

std::string_view shell_command(const Project& p, Rng& rng) {
  return p.commands[rng.range(0, p.commands.size() - 1)];
}

Patch make_patch(const Project& p, Rng& rng) {
  Patch out;
  out.body = "*** Begin Patch\\n";
  const uint64_t files = rng.chance(0.7) ? 1 : rng.range(2, 3);
  const uint64_t first = rng.range(0, p.files.size() - 1);
  for (uint64_t i = 0; i < files && i < p.files.size(); ++i) {
    out.files.push_back(p.files[(first + i) % p.files.size()]);
    fmt::format_to(std::back_inserter(out.body), "*** Update File: {}\\n", out.files.back());
    out.body += fmt::format(fmt::runtime(kHunks[rng.range(0, kHunks.size() - 1)]),
                            kContexts[rng.range(0, kContexts.size() - 1)]);
  }
  out.body += "*** End Patch\\n";
  return out;
}

}  // namespace tally::corpus
