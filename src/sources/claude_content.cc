#include "sources/claude_content.h"

#include "core/session_facts.h"

#include <array>
#include <utility>

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

}  // namespace tally::sources
