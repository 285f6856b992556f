#include "types/pattern.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace nbsync {
namespace {

TEST(Pattern, SearchesAndReplaces) {
  const Pattern p = Pattern::compile(R"(^(\s*password \d )\S+)");
  EXPECT_TRUE(p.search(" password 7 abc"));
  EXPECT_FALSE(p.search("no password here"));
  std::string line = " password 7 abc";
  EXPECT_EQ(p.replace_all(line, "$1<removed>"), 1);
  EXPECT_EQ(line, " password 7 <removed>");
  std::string many(1000, 'a');
  EXPECT_EQ(Pattern::compile("a").replace_all(many, "bb"), 1000) << "output longer than input";
  EXPECT_EQ(many, std::string(2000, 'b'));
}

TEST(Pattern, BadPatternsSayWhere) {
  try {
    Pattern::compile("(oops");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(oops"), std::string::npos);
  }
}

TEST(Pattern, SharedByThreads) {
  const Pattern p = Pattern::compile("^end$");
  std::vector<std::thread> threads;
  std::atomic<int> hits = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        hits += p.search(i % 2 ? "end" : "endless");
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(hits, 2000);
}

// Device output is not always UTF-8 (found by fuzz/normalizer: masking garbled such a line).
TEST(Pattern, TextThatIsNotUtf8IsMatchedAsBytes) {
  const Pattern p = Pattern::compile(R"(^(\s*password )\S+)");
  std::string text = "password caf\xe9\xff-1\nbanner \xc3\n";
  EXPECT_EQ(p.replace_all(text, "$1<removed>"), 1);
  EXPECT_EQ(text, "password <removed>\nbanner \xc3\n");
  EXPECT_TRUE(Pattern::compile("^banner \xc3$").search("x\nbanner \xc3"));
  EXPECT_TRUE(Pattern::compile("caf\xc3\xa9").search("le caf\xc3\xa9 du coin"))
      << "UTF-8 in a pattern matches its bytes";
}

// Keyed masking: the placeholder becomes what `mark` makes of the text it stands for.
TEST(Pattern, ReplaceAllMarkedHandsTheRemovedPartToMark) {
  const Pattern framed = Pattern::compile(R"(^(.*")[^"\n]*("; ## SECRET-DATA)$)");
  std::string junos = "a \"s3cret\"; ## SECRET-DATA\nb \"other\"; ## SECRET-DATA\nc;\n";
  std::vector<std::string> seen;
  const auto mark = [&seen](std::string_view removed) {
    seen.emplace_back(removed);
    return "<" + std::to_string(removed.size()) + ">";
  };
  EXPECT_EQ(framed.replace_all_marked(junos, "$1<removed>$2", "<removed>", mark), 2);
  EXPECT_EQ(junos, "a \"<6>\"; ## SECRET-DATA\nb \"<5>\"; ## SECRET-DATA\nc;\n");
  EXPECT_EQ(seen, (std::vector<std::string>{"s3cret", "other"}));

  const Pattern whole = Pattern::compile(R"(%\^%#\S*?%\^%#)");
  std::string huawei = "x %^%#abc%^%# y\n";
  seen.clear();
  EXPECT_EQ(whole.replace_all_marked(huawei, "<removed>", "<removed>", mark), 1);
  EXPECT_EQ(seen, (std::vector<std::string>{"%^%#abc%^%#"}));
  EXPECT_EQ(huawei, "x <11> y\n");

  std::string none = "nothing here\n";
  EXPECT_EQ(whole.replace_all_marked(none, "<removed>", "<removed>", mark), 0);
  EXPECT_EQ(none, "nothing here\n");
  std::string plain = "x %^%#abc%^%# y\n";
  EXPECT_EQ(whole.replace_all_marked(plain, "<hidden>", "<removed>", mark), 1) << "no placeholder: replace_all";
  EXPECT_EQ(plain, "x <hidden> y\n");
}

}  // namespace
}  // namespace nbsync
