#include "render/utf8.h"

#include <gtest/gtest.h>

namespace tally::render {
namespace {

TEST(DecodeUtf8Test, DecodesValidSequences) {
  const std::string text = "a\xc3\xa9\xe2\x98\x95\xf0\x9f\x98\x80";
  Utf8Char c = decode_utf8(text, 0);
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.cp, U'a');
  c = decode_utf8(text, 1);
  EXPECT_EQ(c.cp, U'\u00e9');
  EXPECT_EQ(c.len, 2u);
  c = decode_utf8(text, 3);
  EXPECT_EQ(c.cp, U'\u2615');
  EXPECT_EQ(c.len, 3u);
  c = decode_utf8(text, 6);
  EXPECT_EQ(c.cp, U'\U0001F600');
  EXPECT_EQ(c.len, 4u);
}

TEST(DecodeUtf8Test, RejectsOverlongsSurrogatesAndOutOfRange) {
  for (const std::string bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                "\xf8\x88\x80\x80\x80", "\x80"}) {
    const Utf8Char c = decode_utf8(bad, 0);
    EXPECT_FALSE(c.valid) << bad;
    EXPECT_EQ(c.cp, U'\ufffd');
  }
}

TEST(SanitizeUtf8Test, ReplacesEachMaximalInvalidSubpartOnce) {
  // Truncated 3-byte sequence "\xe2\x82" is one subpart; "\xff" and "\xfe" are one each.
  EXPECT_EQ(sanitize_utf8("a\xe2\x82z"), "a\xef\xbf\xbdz");
  EXPECT_EQ(sanitize_utf8("\xff\xfe"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(sanitize_utf8("end\xf0\x9f\x98"), "end\xef\xbf\xbd");
  EXPECT_EQ(sanitize_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(TerminalSafeTest, EscapesControlCharacters) {
  EXPECT_EQ(terminal_safe("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(terminal_safe("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(terminal_safe("del\x7f"), "del\\x7f");
  EXPECT_EQ(terminal_safe("c1\xc2\x9b"), "c1\\u009b");
  EXPECT_EQ(terminal_safe("ok \xe2\x98\x95"), "ok \xe2\x98\x95");
  EXPECT_EQ(terminal_safe("bad\xff"), "bad\xef\xbf\xbd");
}

TEST(TerminalSafeTest, NeutralisesTitleAndClearScreenSequences) {
  EXPECT_EQ(terminal_safe("\x1b]0;evil\x07"), "\\x1b]0;evil\\x07");  // OSC: retitles the window
  EXPECT_EQ(terminal_safe("\x1b[2J"), "\\x1b[2J");                   // CSI: clears the screen
  EXPECT_EQ(terminal_safe("bell\x07"), "bell\\x07");
  EXPECT_EQ(terminal_safe(std::string_view("nul\0!", 5)), "nul\\x00!");
}

TEST(TerminalSafeTest, EscapesTheWholeC1RangeAndKeepsWhatFollows) {
  EXPECT_EQ(terminal_safe("\xc2\x80"), "\\u0080");
  EXPECT_EQ(terminal_safe("\xc2\x9f"), "\\u009f");
  EXPECT_EQ(terminal_safe("\xc2\xa0"), "\xc2\xa0");  // U+00A0 is text
  // A lone C1 byte is not UTF-8: replaced, so an 8-bit terminal never sees CSI.
  EXPECT_EQ(terminal_safe(std::string("\x9b") + "[2J"), "\xef\xbf\xbd[2J");
}

TEST(TerminalSafeTest, CanKeepTabAndLineEndsForCsv) {
  EXPECT_EQ(terminal_safe("a\tb\r\nc\x1b[2J\x07", KeepBreaks::tab_and_line_ends),
            "a\tb\r\nc\\x1b[2J\\x07");
  EXPECT_EQ(terminal_safe("a\tb\r\n", KeepBreaks::none), "a\\tb\\r\\n");
}

// Whatever the input byte (alone, or after C2, which makes 80..9F the C1 controls), no C0
// control, DEL or C1 control survives.
TEST(TerminalSafeTest, NoControlSurvivesAnyInput) {
  for (int b = 0; b < 256; ++b) {
    const std::string byte(1, static_cast<char>(b));
    for (const std::string& in : {"a" + byte + "z", "a\xc2" + byte + "z"}) {
      const std::string out = terminal_safe(in);
      for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        EXPECT_FALSE(c < 0x20 || c == 0x7f) << "byte " << b << " gave " << out;
        const bool c1 = c == 0xc2 && i + 1 < out.size() &&
                        static_cast<unsigned char>(out[i + 1]) < 0xa0;  // C2 80..C2 9F
        EXPECT_FALSE(c1) << "byte " << b << " gave " << out;
      }
    }
  }
}

TEST(DisplayWidthTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("caf\xc3\xa9"), 4u);
  EXPECT_EQ(display_width("\xe2\x94\x80\xe2\x94\x80"), 2u);
  EXPECT_EQ(display_width("a\xe2\x82z"), 3u);  // the broken sequence shows as one U+FFFD
}

}  // namespace
}  // namespace tally::render
