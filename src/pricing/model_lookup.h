#pragma once

// Model-name normalisation for price lookup (spec rule 5).
//
// Agents and gateways spell one model many ways: "claude-opus-4-5-20251101",
// "anthropic/claude-opus-4.5", "us.anthropic.claude-haiku-4-5-20251001-v1:0",
// "vertex_ai/claude-opus-4-5@20251101", "gpt-5.5-2026-04-23", "models/gemini-2.5-pro".
// Lookup tries a short, fixed list of candidate names, each step applied on top of the
// previous one, and the first candidate the table (or an alias) knows wins:
//   1. the name as given;
//   2. lower-cased, provider prefixes stripped (everything up to the last '/', then leading
//      dotted region/vendor segments such as "us." and "anthropic.");
//   3. a date or version suffix stripped ("-20251101", "-2026-04-23", "@20251101", "@default",
//      Bedrock's "-v1:0", "-latest");
//   4. the version normalised both ways ("4.5" -> "4-5" and "4-5" -> "4.5", between digits).
// The steps never drop a model's own version number, so "claude-opus-5-5" never becomes
// "claude-opus-5": an unknown model stays unknown rather than priced as a neighbour.

#include <string>
#include <string_view>
#include <vector>

namespace tally::pricing {

// `s` with ASCII letters lower-cased (model names and tier names are ASCII).
std::string ascii_lower(std::string_view s);

// The candidate names for `model`, in lookup order, without duplicates or empty names.
std::vector<std::string> lookup_candidates(std::string_view model);

// Step 2: lower-cases `model` and strips provider prefixes.
std::string strip_provider_prefix(std::string_view model);
// Step 3: strips trailing date/version suffixes, repeatedly ("-20251001-v1:0").
std::string strip_date_suffix(std::string_view model);
// Step 4: `model` with every '.' between two digits turned into '-' (first) and every '-'
// between two digits turned into '.' (second); each returned only when it differs.
std::vector<std::string> version_variants(std::string_view model);

}  // namespace tally::pricing
