// Terminal bar charts: widths, stacking, peak marker, colour only when asked.

#include "render/chart.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "render/utf8.h"

namespace tally::render {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

size_t count(const std::string& s, std::string_view what) {
  size_t n = 0;
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) {
    ++n;
  }
  return n;
}

BarChart sample() {
  BarChart c;
  c.title = "Daily cost";
  c.labels = {"Mon Nov 02", "Tue Nov 03", "Wed Nov 04"};
  c.series = {"opus", "sonnet"};
  c.values = {{1, 1}, {4, 4}, {0, 0}};
  return c;
}

TEST(ChartTest, EveryBarLineHasTheRequestedWidth) {
  std::string out;
  render_bar_chart(sample(), ChartOptions{.color = false, .width = 60}, out);
  const std::vector<std::string> lines = lines_of(out);
  ASSERT_EQ(lines.size(), 5u);  // title, three bars, legend
  EXPECT_EQ(lines[0], "Daily cost");
  // The peak line (with its marker) is exactly the width; the others stop where the
  // marker would start, so bars and values align.
  EXPECT_EQ(display_width(lines[2]), 60u) << lines[2];
  EXPECT_EQ(display_width(lines[1]), 60u - display_width(" \u25c0 peak")) << lines[1];
  EXPECT_EQ(display_width(lines[3]), 60u - display_width(" \u25c0 peak")) << lines[3];
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

TEST(ChartTest, StacksSeriesInProportionAndMarksThePeak) {
  std::string out;
  // 61 columns leave 40 cells of bar: 10 (label) + 2 + 40 + 1 + 1 (value) + 7 (marker).
  render_bar_chart(sample(), ChartOptions{.color = false, .width = 61}, out);
  const std::vector<std::string> lines = lines_of(out);
  // The peak (8) fills the bar: half opus (█), half sonnet (▓), no partial cell.
  const size_t full = count(lines[2], "\u2588");
  EXPECT_EQ(full, 20u);
  EXPECT_EQ(count(lines[2], "\u2593"), full);
  EXPECT_NE(lines[2].find("\u25c0 peak"), std::string::npos);
  EXPECT_EQ(lines[1].find("peak"), std::string::npos);
  // A quarter of the peak: a quarter of the cells (rounded to eighths).
  const size_t cells = 2 * full;
  const size_t small = count(lines[1], "\u2588") + count(lines[1], "\u2593");
  EXPECT_LE(small, cells / 4 + 1);
  EXPECT_GE(small + 1, cells / 4);
  // A zero bar draws nothing.
  EXPECT_EQ(count(lines[3], "\u2588") + count(lines[3], "\u2593"), 0u);
  EXPECT_NE(lines[4].find("\u2588 opus"), std::string::npos);
  EXPECT_NE(lines[4].find("\u2593 sonnet"), std::string::npos);
}

TEST(ChartTest, ColourOnlyWhenAskedAndItAddsNoWidth) {
  std::string plain;
  std::string coloured;
  render_bar_chart(sample(), ChartOptions{.color = false, .width = 50}, plain);
  render_bar_chart(sample(), ChartOptions{.color = true, .width = 50}, coloured);
  EXPECT_NE(coloured.find("\x1b["), std::string::npos);
  // Stripping the SGR escapes gives the plain chart back.
  std::string stripped;
  for (size_t i = 0; i < coloured.size(); ++i) {
    if (coloured[i] == '\x1b') {
      i = coloured.find('m', i);
      continue;
    }
    stripped += coloured[i];
  }
  EXPECT_EQ(stripped, plain);
}

TEST(ChartTest, PartialCellsResolveToEighths) {
  BarChart c;
  c.labels = {"a", "b"};
  c.series = {"x"};
  c.values = {{8}, {1}};  // with 10 cells of bar: 80 eighths, and 10 eighths = 1 cell + 2/8
  std::string out;
  // Width leaves exactly 10 cells: 1 (label) + 2 + 10 + 1 + value width + 7 (peak marker).
  const std::string value_text = format_compact(8);
  render_bar_chart(c,
                   ChartOptions{.color = false,
                                .width = static_cast<int>(1 + 2 + 10 + 1 + value_text.size() + 7)},
                   out);
  const std::vector<std::string> lines = lines_of(out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(count(lines[0], "\u2588"), 10u);
  EXPECT_EQ(count(lines[1], "\u2588"), 1u);
  EXPECT_EQ(count(lines[1], "\u258e"), 1u);  // ▎ = 2/8
}

TEST(ChartTest, FoldsExtraSeriesIntoOther) {
  BarChart c;
  c.labels = {"a"};
  c.series = {"m1", "m2", "m3", "m4", "m5"};
  c.values = {{1, 1, 1, 1, 1}};
  std::string out;
  render_bar_chart(c, ChartOptions{}, out);
  EXPECT_NE(out.find("\u2591 other"), std::string::npos);
  EXPECT_EQ(out.find("m4"), std::string::npos);
}

TEST(ChartTest, AllZeroSaysNoUsage) {
  BarChart c = sample();
  c.values = {{0, 0}, {0, 0}, {0, 0}};
  std::string out;
  render_bar_chart(c, ChartOptions{}, out);
  EXPECT_EQ(out, "Daily cost\nno usage\n");
}

TEST(ChartTest, CompactNumbers) {
  EXPECT_EQ(format_compact(950), "950");
  EXPECT_EQ(format_compact(12345), "12.3K");
  EXPECT_EQ(format_compact(4.5e6), "4.5M");
  EXPECT_EQ(format_compact(1.4e9), "1.4B");
}

}  // namespace
}  // namespace tally::render
