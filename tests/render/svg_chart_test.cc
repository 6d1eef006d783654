// SVG chart geometry (heights proportional to values, stacks that add up, round ticks) and
// the markup tests and browsers rely on (one rect.bar per drawn value, escaped attributes).

#include "render/svg_chart.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tally::render {
namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

TEST(NiceAxisTest, PicksRoundStepsCoveringTheMaximum) {
  const Axis a = nice_axis(7.3);
  EXPECT_DOUBLE_EQ(a.step, 2);
  EXPECT_DOUBLE_EQ(a.top, 8);
  EXPECT_EQ(a.ticks, (std::vector<double>{0, 2, 4, 6, 8}));

  const Axis b = nice_axis(1234);
  EXPECT_DOUBLE_EQ(b.step, 250);
  EXPECT_DOUBLE_EQ(b.top, 1250);

  const Axis c = nice_axis(0.043);
  EXPECT_NEAR(c.step, 0.01, 1e-12);
  EXPECT_NEAR(c.top, 0.05, 1e-12);
  EXPECT_EQ(c.ticks.size(), 6u);
}

TEST(NiceAxisTest, AnExactMultipleIsItsOwnTop) {
  const Axis a = nice_axis(10);
  EXPECT_DOUBLE_EQ(a.step, 2);
  EXPECT_DOUBLE_EQ(a.top, 10);
  EXPECT_EQ(a.ticks.size(), 6u);
}

TEST(NiceAxisTest, EmptyDataStillGetsAnAxis) {
  const Axis a = nice_axis(0);
  EXPECT_DOUBLE_EQ(a.top, 1);
  EXPECT_GE(a.ticks.size(), 2u);
  const Axis counts = nice_axis(0, 5, /*integer=*/true);
  EXPECT_DOUBLE_EQ(counts.step, 1);
  EXPECT_DOUBLE_EQ(counts.top, 5);
}

TEST(NiceAxisTest, IntegerAxesNeverStepByFractions) {
  const Axis a = nice_axis(3, 5, /*integer=*/true);
  EXPECT_DOUBLE_EQ(a.step, 1);
  EXPECT_DOUBLE_EQ(a.top, 3);
  EXPECT_EQ(a.ticks, (std::vector<double>{0, 1, 2, 3}));
}

TEST(FormatTickTest, UsesTheDecimalsTheStepNeeds) {
  EXPECT_EQ(format_tick(1250, 250, ValueKind::usd), "$1,250");
  EXPECT_EQ(format_tick(0.5, 0.25, ValueKind::usd), "$0.50");
  EXPECT_EQ(format_tick(0.2, 0.1, ValueKind::usd), "$0.2");
  EXPECT_EQ(format_tick(4, 2, ValueKind::count), "4");
}

StackedBars three_days() {
  StackedBars data;
  data.categories = {"2026-11-01", "2026-11-02", "2026-11-03"};
  data.series = {"opus", "sonnet"};
  data.values = {{3, 1}, {0, 0}, {2, 6}};
  return data;
}

TEST(StackedBarsTest, SegmentHeightsAreProportionalAndStacksAddUp) {
  ChartOptions o;
  const StackedLayout layout = layout_stacked_bars(three_days(), o);
  EXPECT_DOUBLE_EQ(layout.axis.top, 8);  // max day total 8 -> step 2, top 8
  // Zero values draw nothing: 2 + 0 + 2 segments.
  ASSERT_EQ(layout.segments.size(), 4u);
  const double per_unit = layout.plot.height / layout.axis.top;
  const double bottom = layout.plot.y + layout.plot.height;
  for (const Segment& s : layout.segments) {
    EXPECT_NEAR(s.rect.height, s.value * per_unit, 1e-9);
  }
  // Day 3: opus (2) sits on the axis, sonnet (6) directly on top of it.
  const Segment& opus = layout.segments[2];
  const Segment& sonnet = layout.segments[3];
  EXPECT_EQ(opus.category, 2u);
  EXPECT_EQ(sonnet.series, 1u);
  EXPECT_NEAR(opus.rect.y + opus.rect.height, bottom, 1e-9);
  EXPECT_NEAR(sonnet.rect.y + sonnet.rect.height, opus.rect.y, 1e-9);
  // The whole bar is the day's total on the same scale, and fills the plot at the top.
  EXPECT_NEAR(bottom - sonnet.rect.y, 8 * per_unit, 1e-9);
  EXPECT_NEAR(sonnet.rect.y, layout.plot.y, 1e-9);
  // Same x and width within a stack; bars advance left to right.
  EXPECT_DOUBLE_EQ(opus.rect.x, sonnet.rect.x);
  EXPECT_LT(layout.segments[0].rect.x, opus.rect.x);
  EXPECT_GT(opus.rect.width, 0);
}

TEST(StackedBarsTest, DrawsOneBarPerNonZeroValueWithDataAttributes) {
  ChartOptions o;
  o.id = "daily";
  o.category_attr = "day";
  o.series_attr = "model";
  o.value_attr = "usd";
  const std::string svg = stacked_bar_chart(three_days(), o);
  EXPECT_EQ(count(svg, "<rect class=\"bar\""), 4u);
  EXPECT_EQ(count(svg, "<title>"), 4u);
  EXPECT_NE(svg.find("id=\"daily\""), std::string::npos);
  EXPECT_NE(svg.find("data-day=\"2026-11-03\" data-model=\"sonnet\" data-usd=\"6.0\""),
            std::string::npos);
  EXPECT_EQ(svg.find("data-day=\"2026-11-02\""), std::string::npos);  // nothing that day
  EXPECT_EQ(svg.find("http"), std::string::npos);                     // no namespace URL, no link
  EXPECT_EQ(svg.rfind("</svg>\n"), svg.size() - 7);
}

TEST(StackedBarsTest, NoDataSaysSoAndDrawsNoBar) {
  StackedBars data;
  data.categories = {"a", "b"};
  data.series = {"x"};
  const std::string svg = stacked_bar_chart(data, ChartOptions{});
  EXPECT_EQ(count(svg, "class=\"bar\""), 0u);
  EXPECT_NE(svg.find("no usage in this range"), std::string::npos);
}

TEST(StackedBarsTest, EscapesNamesInAttributesAndTitles) {
  StackedBars data;
  data.categories = {"d\"1"};
  data.series = {"<evil & \"model\">", "x"};
  data.values = {{1, 1}};
  ChartOptions o;
  o.series_attr = "model";
  const std::string svg = stacked_bar_chart(data, o);
  EXPECT_EQ(svg.find("<evil"), std::string::npos);
  EXPECT_EQ(svg.find("\"model\""), std::string::npos);
  EXPECT_NE(svg.find("data-model=\"&lt;evil &amp; &quot;model&quot;&gt;\""), std::string::npos);
  EXPECT_NE(svg.find("data-category=\"d&quot;1\""), std::string::npos);
}

TEST(HorizontalBarsTest, WidthsAreProportionalToValues) {
  const std::vector<LabeledValue> bars = {{"/w/a", 40}, {"/w/b", 10}, {"/w/c", 0}};
  const HorizontalLayout layout = layout_horizontal_bars(bars, ChartOptions{});
  EXPECT_DOUBLE_EQ(layout.axis.top, 40);
  ASSERT_EQ(layout.bars.size(), 3u);
  EXPECT_NEAR(layout.bars[0].width, layout.plot.width, 1e-9);
  EXPECT_NEAR(layout.bars[1].width, layout.plot.width / 4, 1e-9);
  EXPECT_DOUBLE_EQ(layout.bars[2].width, 0);
  EXPECT_NEAR(layout.bars[1].y - layout.bars[0].y, layout.row_height, 1e-9);
  const std::string svg = horizontal_bar_chart(bars, ChartOptions{});
  EXPECT_EQ(count(svg, "<rect class=\"bar\""), 2u);  // the zero value draws no bar
}

TEST(HorizontalBarsTest, LongLabelsKeepTheirEnd) {
  const std::string path = "/home/someone/very/long/path/to/the/project/named/checkout-service";
  const std::string svg = horizontal_bar_chart({{path, 1}}, ChartOptions{});
  EXPECT_NE(svg.find(">\u2026"), std::string::npos);
  EXPECT_NE(svg.find("named/checkout-service<title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>" + path + "</title>"), std::string::npos);
}

TEST(LegendTest, NamesEverySeriesWithItsColour) {
  const std::string html = chart_legend({"a<b", "c"});
  EXPECT_EQ(count(html, "<li>"), 2u);
  EXPECT_NE(html.find("a&lt;b"), std::string::npos);
  EXPECT_NE(html.find(series_color(1)), std::string::npos);
  EXPECT_NE(series_color(0), series_color(1));
}

}  // namespace
}  // namespace tally::render
