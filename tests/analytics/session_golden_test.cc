// Golden tests of `tally session`'s output: the anatomy of the constructed session
// (session_view_fixture.h) rendered as table, JSON and CSV in Europe/Berlin, compared byte
// for byte with tests/golden/session.<format>. TALLY_UPDATE_GOLDEN=1 rewrites the files
// (tests/golden/README.md); review the diff.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "analytics/session_view.h"
#include "render/session_renderer.h"
#include "session_view_fixture.h"
#include "support/golden.h"

namespace tally::analytics {
namespace {

class SessionGoldenTest : public test::SessionLedgerTest {
 protected:
  std::string render(render::Format format, bool color = false) {
    auto zone = Zone::use("Europe/Berlin");
    EXPECT_TRUE(zone);
    auto a = build_session_anatomy(*ledger_, "sess-1111", {}, &*zone);
    EXPECT_TRUE(a) << a.error().message;
    render::RenderOptions options;
    options.color = color;
    std::string out;
    render::render_session(*a, format, options, out);
    return out;
  }
};

TEST_F(SessionGoldenTest, Table) {
  tally::test::expect_golden("session.table", render(render::Format::table));
}
TEST_F(SessionGoldenTest, Json) {
  tally::test::expect_golden("session.json", render(render::Format::json));
}
TEST_F(SessionGoldenTest, Csv) {
  tally::test::expect_golden("session.csv", render(render::Format::csv));
}

TEST_F(SessionGoldenTest, ColourChangesNoTextOnlyAddsSgrCodes) {
  std::string coloured = render(render::Format::table, true);
  ASSERT_NE(coloured.find("\x1b[1m"), std::string::npos);
  for (std::string code : {"\x1b[1m", "\x1b[0m"}) {
    for (size_t pos; (pos = coloured.find(code)) != std::string::npos;) {
      coloured.erase(pos, code.size());
    }
  }
  EXPECT_EQ(coloured, render(render::Format::table));
}

}  // namespace
}  // namespace tally::analytics
