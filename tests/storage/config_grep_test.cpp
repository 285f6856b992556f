#include "storage/config_grep.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>
#include <vector>

namespace nbsync::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Lines = std::vector<std::pair<std::int64_t, std::string>>;

Lines matches(const std::string& regex, std::string_view text) {
  Lines out;
  for_each_matching_line(compile_search_pattern(regex), text, [&out](std::int64_t number, std::string_view line) {
    out.emplace_back(number, std::string(line));
    return true;
  });
  return out;
}

TEST(ConfigGrep, NumbersMatchingLinesFromOneWithoutTheirLineEnds) {
  EXPECT_THAT(matches("^snmp", "hostname r1\r\nsnmp-server community x\r\nntp server 1\nsnmp-server host y"),
              ElementsAre(std::pair<std::int64_t, std::string>{2, "snmp-server community x"},
                          std::pair<std::int64_t, std::string>{4, "snmp-server host y"}));
  EXPECT_THAT(matches("absent", "a\nb\n"), ElementsAre());
}

TEST(ConfigGrep, StopsWhenTheCallerHasEnoughButCountsWhatItSaw) {
  int calls = 0;
  const auto count =
      for_each_matching_line(compile_search_pattern("x"), "x1\nx2\nx3\n", [&calls](auto, auto) { return ++calls < 2; });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(count, 2);
}

TEST(ConfigGrep, ABadPatternSaysWhatIsWrongAndWhichSyntax) {
  try {
    compile_search_pattern("interface (Gig");
    FAIL() << "compiled";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad regular expression 'interface (Gig': "));
    EXPECT_THAT(e.what(), HasSubstr("(PCRE2 syntax)"));
  }
  EXPECT_THROW(compile_search_pattern(""), std::invalid_argument);
}

}  // namespace
}  // namespace nbsync::storage
