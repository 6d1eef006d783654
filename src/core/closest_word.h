#pragma once

// "Did you mean": the candidate nearest to a mistyped word, by Levenshtein distance.

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace tally {

// The first of `candidates` at the least edit distance from `word`, if that distance is at
// most `max_distance`; nullopt otherwise.
std::optional<std::string_view> closest_word(std::string_view word,
                                             std::span<const std::string_view> candidates,
                                             std::size_t max_distance);

}  // namespace tally
