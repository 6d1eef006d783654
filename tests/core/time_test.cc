#include "core/time.h"

#include <gtest/gtest.h>

#include "core/tz_spec.h"

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

// Every form of TZ that POSIX and glibc read (issue 17: `TZ=:/etc/localtime` made every
// command exit 2), each giving the same days as the IANA name it stands for.
TEST(ZoneTest, TakesEveryFormOfTzThatTheCLibraryReads) {
  const TimeMs summer = *parse_iso8601("2026-07-01T22:30:00Z");  // 00:30 on the 2nd in Berlin
  const TimeMs winter = *parse_iso8601("2026-12-01T23:30:00Z");  // 00:30 on the 2nd
  for (const char* form : {"Europe/Berlin", ":Europe/Berlin", ":/usr/share/zoneinfo/Europe/Berlin",
                           "/usr/share/zoneinfo/Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3",
                           "CET-1CEST,M3.5.0/2,M10.5.0/3", "<+01>-1<+02>,M3.5.0,M10.5.0/3"}) {
    auto zone = Zone::use(form);
    ASSERT_TRUE(zone) << form << ": " << zone.error().message;
    EXPECT_EQ(zone->local_date(summer), (Date{2026, 7, 2})) << form;
    EXPECT_EQ(zone->local_date(winter), (Date{2026, 12, 2})) << form;
    EXPECT_EQ(zone->utc_offset(summer), 7200) << form;
  }
  // Names: the IANA name where there is one, else what was given.
  EXPECT_EQ(Zone::use(":Europe/Berlin")->name(), "Europe/Berlin");
  EXPECT_EQ(Zone::use(":/usr/share/zoneinfo/Europe/Berlin")->name(), "Europe/Berlin");
  EXPECT_EQ(Zone::use("EST5EDT")->name(), "EST5EDT");
  auto utc0 = Zone::use("UTC0");
  ASSERT_TRUE(utc0);
  EXPECT_EQ(utc0->utc_offset(summer), 0);
  auto tokyo = Zone::use("JST-9");
  ASSERT_TRUE(tokyo);
  EXPECT_EQ(tokyo->utc_offset(winter), 9 * 3600);
  // The system's zone by file: whatever /etc/localtime is (UTC where there is none).
  auto system = Zone::use(":/etc/localtime");
  ASSERT_TRUE(system) << system.error().message;
  EXPECT_FALSE(system->name().empty());
}

TEST(ZoneTest, RejectsWhatTheCLibraryWouldTakeForUtc) {
  for (const char* bad :
       {"Mars/Olympus_Mons", ":Mars/Olympus_Mons", ":/etc/passwd", ":/nonexistent/zone",
        "../../etc/passwd", ":", "12", "CE-1", "CET-1CEST,M13.5.0,M10.5.0/3",
        "CET-1CEST,M3.6.0,M10.5.0/3", "CET-1CEST,M3.5.0", "CET-1CEST,", "CET-25", "<AB>-1"}) {
    auto zone = Zone::use(bad);
    EXPECT_FALSE(zone) << bad;
    if (!zone) {
      EXPECT_NE(zone.error().message.find(bad), std::string::npos) << zone.error().message;
    }
  }
}

TEST(PosixTzRuleTest, FollowsTheGrammar) {
  for (const char* ok :
       {"UTC0", "EST5EDT", "EST5EDT4", "EST+5EDT,M3.2.0/2,M11.1.0/2", "NZST-12NZDT,M9.5.0,M4.1.0/3",
        "<-03>3", "IST-5:30", "XXX3YYY,J60/25,300/-1:30:15", "WART4WARST,J1/0,J365/25"}) {
    EXPECT_TRUE(is_posix_tz_rule(ok)) << ok;
  }
  for (const char* bad :
       {"", "E5", "EST", "EST5EDT,M3.2.0", "EST5EDT,J0,J10", "EST5EDT,M3.2.7,M11.1.0",
        "EST5EDT,366,1", "EST5:60", "EST5EDT,M3.2.0/168,M11.1.0"}) {
    EXPECT_FALSE(is_posix_tz_rule(bad)) << bad;
  }
}

TEST(ParseDayTest, TakesDatesAndTheDaysPeopleSay) {
  const Date today{2026, 3, 1};
  EXPECT_EQ(parse_day("2026-02-14", today), (Date{2026, 2, 14}));
  EXPECT_EQ(parse_day("today", today), today);
  EXPECT_EQ(parse_day("yesterday", today), (Date{2026, 2, 28}));
  EXPECT_EQ(parse_day("1d", today), today) << "the last 1 day is today";
  EXPECT_EQ(parse_day("7d", today), (Date{2026, 2, 23})) << "today and the six days before";
  EXPECT_EQ(parse_day("30d", Date{2026, 12, 7}), (Date{2026, 11, 8}));
  EXPECT_EQ(parse_day("mtd", Date{2026, 12, 7}), (Date{2026, 12, 1}));
  EXPECT_EQ(parse_day("last-month", today), (Date{2026, 2, 1}));
  EXPECT_EQ(parse_day("last-month", today, /*last=*/true), (Date{2026, 2, 28}));
  EXPECT_EQ(parse_day("last-month", Date{2026, 1, 15}, true), (Date{2025, 12, 31}));
  EXPECT_EQ(parse_day("last-month", Date{2024, 3, 31}, true), (Date{2024, 2, 29}));
  for (const char* bad :
       {"", "0d", "d", "7", "-7d", "7days", "x7d", "99999d", "Today", "2026-02-30", "last-week"}) {
    EXPECT_FALSE(parse_day(bad, today)) << bad;
  }
}

}  // namespace
}  // namespace tally
