// core/closest_word: "did you mean" for a mistyped command.

#include "core/closest_word.h"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

namespace tally {
namespace {

TEST(ClosestWordTest, TheNearestWithinTheLimitOrNone) {
  constexpr std::array<std::string_view, 4> kNames = {"daily", "outcomes", "doctor", "demo"};
  EXPECT_EQ(closest_word("dialy", kNames, 3), "daily");
  EXPECT_EQ(closest_word("outcmes", kNames, 3), "outcomes");
  EXPECT_EQ(closest_word("docter", kNames, 3), "doctor");
  EXPECT_EQ(closest_word("xyzzyq", kNames, 3), std::nullopt);
  EXPECT_EQ(closest_word("dem", kNames, 0), std::nullopt) << "a limit of 0 takes exact words only";
  // The nearest, not the first within the limit (daily is 4 edits away, demo 3).
  EXPECT_EQ(closest_word("dxxx", kNames, 4), "demo");
}

}  // namespace
}  // namespace tally
