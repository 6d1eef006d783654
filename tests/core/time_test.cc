#include "core/time.h"

#include <gtest/gtest.h>

namespace tally {
namespace {

TEST(ParseIso8601Test, ParsesZuluWithMillis) {
  auto t = parse_iso8601("2026-11-22T22:06:44.035Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_iso8601(*t), "2026-11-22T22:06:44.035Z");
}

TEST(ParseIso8601Test, ParsesMicrosecondsAndOffsets) {
  auto micro = parse_iso8601("2026-11-22T22:06:44.035123Z");
  auto offset = parse_iso8601("2026-11-22T23:06:44.035+01:00");
  auto compact_offset = parse_iso8601("2026-11-22T16:36:44.035-0530");
  ASSERT_TRUE(micro && offset && compact_offset);
  EXPECT_EQ(*micro, *offset);
  EXPECT_EQ(format_iso8601(*compact_offset), "2026-11-22T22:06:44.035Z");
}

TEST(ParseIso8601Test, RejectsGarbage) {
  EXPECT_FALSE(parse_iso8601(""));
  EXPECT_FALSE(parse_iso8601("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2026-11-22T22:06:44Zjunk"));
  EXPECT_FALSE(parse_iso8601("yesterday"));
}

TEST(CivilDaysTest, RoundTripsAcrossEras) {
  for (long d : {-800000L, -1L, 0L, 1L, 20000L, 20414L, 2932896L}) {
    EXPECT_EQ(days_from_civil(civil_from_days(d)), d);
  }
  EXPECT_EQ(iso_weekday(Date{2026, 11, 23}), 1u);  // a Monday
}

TEST(ZoneTest, BucketsDaysInTheUsersZone) {
  auto zone = Zone::use("Asia/Tokyo");
  ASSERT_TRUE(zone) << zone.error().message;
  const TimeMs t = *parse_iso8601("2026-11-22T22:06:44Z");  // 07:06 on the 23rd in Tokyo
  EXPECT_EQ(zone->local_date(t), (Date{2026, 11, 23}));
  EXPECT_EQ(zone->start_of(Date{2026, 11, 23}), *parse_iso8601("2026-11-22T15:00:00Z"));
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc->local_date(t), (Date{2026, 11, 22}));
}

TEST(ZoneTest, RejectsUnknownZones) {
  auto zone = Zone::use("Mars/Olympus_Mons");
  ASSERT_FALSE(zone);
  EXPECT_NE(zone.error().message.find("Mars/Olympus_Mons"), std::string::npos);
  EXPECT_FALSE(Zone::use("../../etc/passwd"));
}

}  // namespace
}  // namespace tally
