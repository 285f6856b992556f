// The side-by-side diff: lines paired as a reviewer reads them, the changed words marked,
// every text escaped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "web/side_by_side.hpp"
#include "web/word_diff.hpp"

namespace nbsync::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(WordDiff, MarksOnlyTheWordsThatChanged) {
  const auto pair = mark_changed_words(" ip address 10.0.0.1 255.255.255.0", " ip address 10.0.0.2 255.255.255.0");
  EXPECT_EQ(pair.before_html, " ip address <mark>10.0.0.1</mark> 255.255.255.0");
  EXPECT_EQ(pair.after_html, " ip address <mark>10.0.0.2</mark> 255.255.255.0");
}

TEST(WordDiff, AddedWordsAreMarkedOnTheNewSideOnlyAndNeighboursJoin) {
  const auto pair = mark_changed_words("snmp-server community public RO", "snmp-server community x y public RO 10");
  EXPECT_EQ(pair.before_html, "snmp-server community public RO");
  EXPECT_EQ(pair.after_html, "snmp-server community <mark>x y</mark> public RO <mark>10</mark>");
}

TEST(WordDiff, EscapesEveryWord) {
  const auto pair = mark_changed_words("banner <b>'a'</b> & more", "banner <script>x</script> & more");
  EXPECT_EQ(pair.before_html, "banner <mark>&lt;b&gt;&#39;a&#39;&lt;/b&gt;</mark> &amp; more");
  EXPECT_EQ(pair.after_html, "banner <mark>&lt;script&gt;x&lt;/script&gt;</mark> &amp; more");
}

TEST(WordDiff, AVeryLongLineIsComparedByItsCommonStartAndEnd) {
  std::string before;
  std::string after;
  for (std::size_t i = 0; i < k_max_word_diff_tokens; ++i) {
    std::string word = "w";
    word += std::to_string(i);
    before.append(word).append(" ");
    after.append(i == 10 ? std::string("NEW") : i == 300 ? std::string("OLD") : word).append(" ");
  }
  const auto pair = mark_changed_words(before, after);
  const std::string marked = pair.after_html.substr(pair.after_html.find("<mark>"));
  EXPECT_TRUE(marked.starts_with("<mark>NEW w11 ")) << "one span from the first change...";
  EXPECT_THAT(marked, HasSubstr("OLD</mark> w301")) << "...to the last";
}

TEST(SideBySide, PairsRemovedWithAddedLinesAndKeepsLineNumbers) {
  const std::string unified =
      "@@ -10,4 +10,5 @@\n"
      " hostname r1\n"
      "-ntp server 1.1.1.1\n"
      "-logging host 2.2.2.2\n"
      "+ntp server 1.1.1.9\n"
      "+logging host 2.2.2.2 vrf mgmt\n"
      "+logging trap 5\n"
      " end\n";
  const std::string html = side_by_side_html(unified);
  EXPECT_THAT(html, HasSubstr("<tr class=\"hunk\"><td colspan=\"4\">@@ -10,4 +10,5 @@</td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr><td class=\"ln\">10</td><td class=\"\">hostname r1</td>"
                              "<td class=\"ln\">10</td><td class=\"\">hostname r1</td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr><td class=\"ln\">11</td><td class=\"del\">ntp server <mark>1.1.1.1</mark></td>"
                              "<td class=\"ln\">11</td><td class=\"add\">ntp server <mark>1.1.1.9</mark></td></tr>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"del\">logging host 2.2.2.2</td><td class=\"ln\">12</td>"
                              "<td class=\"add\">logging host 2.2.2.2 <mark>vrf mgmt</mark></td>"));
  EXPECT_THAT(html, HasSubstr("<tr><td class=\"ln\"></td><td class=\"empty\"></td>"
                              "<td class=\"ln\">13</td><td class=\"add\">logging trap 5</td></tr>"))
      << "the third added line faces an empty cell";
  EXPECT_THAT(html, HasSubstr("<td class=\"ln\">13</td><td class=\"\">end</td><td class=\"ln\">14</td>"));
}

TEST(SideBySide, AddsAndDeletesInAnyOrderWithinARunArePaired) {
  const std::string html = side_by_side_html("@@ -1,1 +1,1 @@\n+vlan 20\n-vlan 10\n");
  EXPECT_THAT(html, HasSubstr("<td class=\"del\">vlan <mark>10</mark></td><td class=\"ln\">1</td>"
                              "<td class=\"add\">vlan <mark>20</mark></td>"));
}

TEST(SideBySide, EscapesContextAndHunkLines) {
  const std::string html = side_by_side_html("@@ -1,2 +1,2 @@\n <script>\n-a\n+b\n");
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
}

}  // namespace
}  // namespace nbsync::web
