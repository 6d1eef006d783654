#include "sources/claude_content.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/session_facts.h"
#include "sources/json_fields.h"

namespace tally::sources {

using simdjson::SUCCESS;
using simdjson::ondemand::array;
using simdjson::ondemand::json_type;

UserContent classify_text(std::string_view text) {
  // Slash commands and their output are written as user lines with tags; they are not
  // prompts the user typed to the model.
  static constexpr std::array<std::string_view, 8> kCommandTags = {
      "<command-name>",         "<command-message>",      "<local-command-stdout>",
      "<local-command-stderr>", "<local-command-caveat>", "<task-notification>",
      "<bash-input>",           "<bash-stdout>"};
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) {
    text.remove_prefix(1);
  }
  if (text.starts_with("<command-name>")) {
    return UserContent::command;
  }
  for (std::string_view tag : kCommandTags) {
    if (text.starts_with(tag)) {
      return UserContent::other;
    }
  }
  return text.empty() ? UserContent::none : UserContent::typed_text;
}

simdjson::error_code read_user_content(value content, UserContent& out, std::string& typed) {
  json_type type;
  if (auto err = content.type().get(type); err != SUCCESS) {
    return err;
  }
  if (type == json_type::string) {
    std::string_view text;
    if (auto err = content.get_string().get(text); err != SUCCESS) {
      return err;
    }
    out = classify_text(text);
    if (out == UserContent::typed_text) {
      typed.assign(text.substr(0, kPromptCopyBytes));
    }
    return SUCCESS;
  }
  if (type != json_type::array) {
    out = UserContent::other;
    return SUCCESS;
  }
  array blocks;
  if (auto err = content.get_array().get(blocks); err != SUCCESS) {
    return err;
  }
  out = UserContent::none;
  for (auto block_result : blocks) {
    object block;
    if (block_result.get_object().get(block) != SUCCESS) {
      continue;
    }
    std::string_view block_type;
    std::string_view text;
    for (auto field_result : block) {
      simdjson::ondemand::field field;
      if (auto err = std::move(field_result).get(field); err != SUCCESS) {
        return err;
      }
      std::string_view key;
      if (auto err = field.unescaped_key().get(key); err != SUCCESS) {
        return err;
      }
      if (key == "type") {
        if (field.value().get_string().get(block_type) != SUCCESS) {
          block_type = {};
        }
      } else if (key == "text") {
        if (field.value().get_string().get(text) != SUCCESS) {
          text = {};
        }
      }
    }
    if (block_type == "tool_result") {
      out = UserContent::tool_result;
      return SUCCESS;
    }
    if (block_type == "text" && out == UserContent::none) {
      out = classify_text(text);
      if (out == UserContent::typed_text) {
        typed.assign(text.substr(0, kPromptCopyBytes));
      }
    }
  }
  return SUCCESS;
}

simdjson::error_code read_tool_uses(value content, std::vector<ToolUse>& out) {
  array blocks;
  if (content.get_array().get(blocks) != SUCCESS) {
    return SUCCESS;  // a plain-text reply
  }
  for (auto block_result : blocks) {
    object block;
    if (block_result.get_object().get(block) != SUCCESS) {
      continue;
    }
    ToolUse use;
    bool is_tool_use = false;
    for (auto field_result : block) {
      simdjson::ondemand::field field;
      std::string_view key;
      if (auto err = std::move(field_result).get(field); err != SUCCESS) {
        return err;
      }
      if (auto err = field.unescaped_key().get(key); err != SUCCESS) {
        return err;
      }
      std::string_view s;
      if (key == "type") {
        is_tool_use = field.value().get_string().get(s) == SUCCESS && s == "tool_use";
      } else if (key == "id" && field.value().get_string().get(s) == SUCCESS) {
        use.id = std::string(s);
      } else if (key == "name" && field.value().get_string().get(s) == SUCCESS) {
        use.name = std::string(s);
      } else if (key == "input") {
        object input;
        if (field.value().get_object().get(input) == SUCCESS) {
          use.path = str_field(input, "file_path");
          if (use.path.empty()) {
            use.path = str_field(input, "notebook_path");
          }
        }
      }
    }
    if (is_tool_use) {
      out.push_back(std::move(use));
    }
  }
  return SUCCESS;
}

namespace {

// Copies a string member of at most `cap` bytes without control characters; else nothing.
void copy_bounded(simdjson::ondemand::value v, std::size_t cap, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS || s.size() > cap || has_control_chars(s)) {
    return;
  }
  out = std::string(s);
}

// gitOperation: {"commit": {"sha", "kind", "branch"}, "push": {...}, "pr": {"url", ...}}.
simdjson::error_code read_git_operation(simdjson::ondemand::object op, ClaudeGitResult& out) {
  return for_each_field(op, [&](std::string_view key, value v) {
    simdjson::ondemand::object inner;
    if ((key != "commit" && key != "pr") || v.get_object().get(inner) != simdjson::SUCCESS) {
      return simdjson::SUCCESS;
    }
    return for_each_field(inner, [&](std::string_view name, value field) {
      if (key == "commit" && name == "sha") {
        std::string sha;
        copy_bounded(field, 40, sha);
        if (is_commit_id(sha)) {
          out.sha = std::move(sha);
        }
      } else if (key == "commit" && name == "kind") {
        copy_bounded(field, 32, out.kind);
      } else if (key == "commit" && name == "branch") {
        copy_bounded(field, 256, out.branch);
      } else if (key == "pr" && name == "url") {
        copy_bounded(field, 512, out.pr_url);
      }
      return simdjson::SUCCESS;
    });
  });
}

}  // namespace

simdjson::error_code read_git_result(simdjson::ondemand::value tool_use_result,
                                     ClaudeGitResult& out) {
  simdjson::ondemand::object result;
  if (tool_use_result.get_object().get(result) != simdjson::SUCCESS) {
    return simdjson::SUCCESS;
  }
  return for_each_field(result, [&](std::string_view key, value v) {
    if (key == "stdout") {
      std::string_view text;
      // Most outputs hold no '[' at a line start: the header scan is skipped for them.
      if (v.get_string().get(text) == simdjson::SUCCESS &&
          (text.starts_with('[') || text.find("\n[") != std::string_view::npos)) {
        out.headers = parse_commit_headers(text);
      }
    } else if (key == "gitOperation") {
      simdjson::ondemand::object op;
      if (v.get_object().get(op) == simdjson::SUCCESS) {
        return read_git_operation(op, out);
      }
    }
    return simdjson::SUCCESS;
  });
}

void add_git_marks(const ClaudeGitResult& git, const std::string& pr_link, TimeMs ts,
                   const std::string& cwd, ToolFacts& tools) {
  if (!git.sha.empty()) {
    GitMark m;
    m.action = git.kind == "amended" ? "amend" : "commit";
    m.ts = ts;
    m.dir = cwd;
    m.branch = git.branch;
    m.short_sha = git.sha;
    for (const CommitHeader& h : git.headers) {
      if (h.short_sha.starts_with(m.short_sha) || m.short_sha.starts_with(h.short_sha)) {
        m.subject = h.subject;
        if (m.branch.empty()) {
          m.branch = h.branch;
        }
        break;
      }
    }
    tools.git_mark(std::move(m));
  }
  for (const std::string* url : {&git.pr_url, &pr_link}) {
    if (!url->empty() && url->size() <= 512 && !has_control_chars(*url)) {
      GitMark m;
      m.action = "pr-create";
      m.ts = ts;
      m.dir = cwd;
      m.pr_url = *url;
      tools.git_mark(std::move(m));
    }
  }
}

}  // namespace tally::sources
