// The statusline's JSON contract and `tally watch`'s panel, rendered from constructed facts
// and panels (the line itself is pinned in tests/cli/statusline_test.cc).

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "core/time.h"
#include "render/status_renderer.h"
#include "render/watch_renderer.h"

namespace tally::render {
namespace {

TimeMs at(const char* iso) { return *parse_iso8601(iso); }

TEST(StatusJsonTest, EveryFigureWithNullsForWhatIsUnknown) {
  analytics::StatusFacts f;
  f.model = "Opus \"4\"";
  f.session_found = true;
  f.session_cost = 4.125;
  f.today_cost = 38.9;
  f.today_unpriced = true;
  f.context_tokens = 122'000;
  f.context_window = 200'000;
  EXPECT_EQ(status_json(f),
            "{\"model\": \"Opus \\\"4\\\"\", \"session_cost_usd\": 4.125000, "
            "\"session_unpriced\": false, \"today_cost_usd\": 38.900000, \"today_unpriced\": "
            "true, \"burn_usd_per_hour\": null, \"context_tokens\": 122000, \"context_window\": "
            "200000, \"context_percent\": 61}\n");

  const analytics::StatusFacts bare;
  EXPECT_EQ(status_json(bare),
            "{\"model\": \"\", \"session_cost_usd\": null, \"session_unpriced\": false, "
            "\"today_cost_usd\": 0.000000, \"today_unpriced\": false, \"burn_usd_per_hour\": "
            "null, \"context_tokens\": null, \"context_window\": null, \"context_percent\": "
            "null}\n");
}

class WatchRendererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto utc = Zone::use("UTC");
    ASSERT_TRUE(utc);
    zone_.emplace(*utc);
    panel_.now = at("2026-11-20T12:30:00Z");
    panel_.today_cost = 12.5;
    panel_.today_tokens = 1'250'000;
    panel_.today_requests = 40;
    analytics::Block b;
    b.start = at("2026-11-20T10:00:00Z");
    b.end = at("2026-11-20T15:00:00Z");
    b.cost_usd = 10;
    b.tokens.input = 900'000;
    b.cost_per_hour = 4;
    b.tokens_per_minute = 6000;
    b.projected_cost_usd = 20;
    b.projected_tokens = 1'800'000;
    b.projected_cost_low_usd = 16;
    b.projected_tokens_low = 1'440'000;
    panel_.block = b;
    panel_.in_flight.push_back(
        {"0123456789abcdef", Agent::codex, "/w/app", at("2026-11-20T12:25:00Z")});
    panel_.recent.push_back({"sess-1", "/w/api", 3.5, 4200, at("2026-11-19T09:05:00Z")});
  }

  std::optional<Zone> zone_;
  analytics::WatchPanel panel_;
};

TEST_F(WatchRendererTest, TextShowsTodayTheBlockAndTheSessions) {
  EXPECT_EQ(panel_text(panel_, *zone_, /*demo=*/false, /*color=*/false),
            "tally watch  as of 2026-11-20 12:30 · updates when the logs change · Ctrl-C quits\n"
            "\n"
            "Today      $12.50 · 1.2M tokens · 40 requests\n"
            "Block      10:00–15:00 · $10.00 so far · 900k tokens\n"
            "Burn       $4.00/h · 6k tokens/min · projected $16.00–$20.00 by 15:00\n"
            "In flight  1 session with a record in the last 15 min\n"
            "  01234567  codex   app                          last 12:25\n"
            "\n"
            "Recent sessions (last 7 days)\n"
            "  sess-1    api                              $3.50       4k tokens  last "
            "2026-11-19 09:05\n");
}

TEST_F(WatchRendererTest, JsonIsOneObjectPerSnapshot) {
  const std::string json = panel_json(panel_, /*demo=*/true);
  EXPECT_EQ(json,
            "{\"now\": \"2026-11-20T12:30:00.000Z\", \"demo\": true, \"today\": {\"cost_usd\": "
            "12.500000, \"tokens\": 1250000, \"requests\": 40, \"unpriced\": false}, \"block\": "
            "{\"start\": \"2026-11-20T10:00:00.000Z\", \"end\": \"2026-11-20T15:00:00.000Z\", "
            "\"cost_usd\": 10.000000, \"tokens\": 900000, \"cost_per_hour\": 4.000000, "
            "\"tokens_per_minute\": 6000.000000, \"projected_cost_usd\": 20.000000, "
            "\"projected_tokens\": 1800000.000000, \"projected_cost_low_usd\": 16.000000, "
            "\"projected_tokens_low\": 1440000.000000, \"too_early\": false}, \"in_flight\": [{\"session\": "
            "\"0123456789abcdef\", \"agent\": \"codex\", \"project\": \"/w/app\", \"last\": "
            "\"2026-11-20T12:25:00.000Z\"}], \"recent\": [{\"session\": \"sess-1\", \"project\": "
            "\"/w/api\", \"cost_usd\": 3.500000, \"tokens\": 4200, \"last\": "
            "\"2026-11-19T09:05:00.000Z\"}]}\n");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(json).get(root), simdjson::SUCCESS);

  // Too early for a rate: said so, on its own line.
  analytics::Block early = *panel_.block;
  early.too_early = true;
  early.cost_per_hour.reset();
  early.tokens_per_minute.reset();
  early.projected_cost_usd.reset();
  early.projected_cost_low_usd.reset();
  panel_.block = early;
  EXPECT_NE(panel_text(panel_, *zone_, false, false)
                .find("Burn       too early: under 30 min of records in this block\n"),
            std::string::npos);

  panel_.block.reset();
  panel_.in_flight.clear();
  EXPECT_NE(panel_json(panel_, false).find("\"block\": null, \"in_flight\": []"),
            std::string::npos);
}

}  // namespace
}  // namespace tally::render
