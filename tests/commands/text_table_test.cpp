#include "commands/text_table.hpp"

#include <gtest/gtest.h>

namespace nbsync::commands {
namespace {

TEST(TextTable, DisplayWidthCountsWhatATerminalShows) {
  EXPECT_EQ(display_width("sao-paulo"), 9u);
  EXPECT_EQ(display_width("são-paulo"), 9u) << "ã is two bytes, one column";
  EXPECT_EQ(display_width("東京-core"), 9u) << "CJK characters take two columns";
  EXPECT_EQ(display_width("e\xcc\x81"), 1u) << "a combining accent takes none";
  EXPECT_EQ(display_width("\xff\xfe"), 2u) << "bytes that are not UTF-8 count one each";
}

TEST(TextTable, ANonAsciiNameDoesNotShiftItsRow) {
  TextTable table({{"DEVICE", TextTable::Align::left}, {"OUTCOME", TextTable::Align::left}});
  table.add_row({"são-paulo-edge-01", "timeout"});
  table.add_row({"sao-paulo-edge-02", "auth"});
  const std::string text = table.render();
  const auto first = text.find("timeout");
  const auto second = text.find("auth");
  const auto line_start = [&](std::size_t at) { return text.rfind('\n', at) + 1; };
  EXPECT_EQ(display_width(text.substr(line_start(first), first - line_start(first))),
            display_width(text.substr(line_start(second), second - line_start(second))))
      << text;
}

}  // namespace
}  // namespace nbsync::commands
