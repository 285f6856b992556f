// Versions, texts, diffs and changes of stored configs, on both backends.
#include "storage/config_history.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/storage/version_rows.hpp"

namespace nbsync::storage {
namespace {

using test_support::config_text;
using test_support::device;
using test_support::join_lines;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ConfigHistoryTest : public test_support::BackendTest {
protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!IsSkipped()) {
      m_rows.emplace(sql());
      m_history.emplace(database());
    }
  }

  // Stores `config` for `record` in a run of its own, dated `taken_at`.
  void store(const DeviceRecord& record, const std::string& config, std::int64_t taken_at) {
    m_rows->store(record, config, taken_at);
  }

  std::optional<test_support::VersionRows> m_rows;
  std::optional<ConfigHistory> m_history;
};

TEST_P(ConfigHistoryTest, VersionsAreNumberedOldestFirstWithTheirLineCounts) {
  store(device(1), "a\nb\nc\n", 1000);
  store(device(2), "other\n", 1500);
  store(device(1), "a\nB\nc\nd\n", 2000);
  store(device(1), "a\nB\nc\nd\n", 2500);  // unchanged: no new version
  store(device(1), "a\nc\n", 3000);

  const auto versions = m_history->versions(1);
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].number, 1);
  EXPECT_EQ(versions[2].number, 3);
  EXPECT_EQ(versions[0].taken_at, 1000);
  EXPECT_EQ(versions[1].taken_at, 2000);
  EXPECT_EQ(versions[2].taken_at, 3000);
  EXPECT_EQ(versions[0].lines_added, 3);
  EXPECT_EQ(versions[1].lines_added, 2);
  EXPECT_EQ(versions[1].lines_removed, 1);
  EXPECT_EQ(versions[2].lines_removed, 2);
  EXPECT_EQ(versions[1].size, 8);
  EXPECT_EQ(versions[0].sha256.size(), 64u);
  EXPECT_NE(versions[0].sha256, versions[1].sha256);
  EXPECT_TRUE(m_history->versions(99).empty());
  EXPECT_EQ(m_history->versions(2).size(), 1u);
}

TEST_P(ConfigHistoryTest, ReadsAVersionByNumberOrByTime) {
  store(device(1), "first\n", 1000);
  store(device(1), "second\n", 2000);
  store(device(1), "third\n", 3000);

  const auto second = m_history->version(1, 2);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->number, 2);
  EXPECT_EQ(m_history->text(*second), "second\n");
  EXPECT_FALSE(m_history->version(1, 0).has_value());
  EXPECT_FALSE(m_history->version(1, 4).has_value());
  EXPECT_FALSE(m_history->version(2, 1).has_value());

  EXPECT_FALSE(m_history->version_at(1, 999).has_value()) << "no backup yet";
  const auto at_start = m_history->version_at(1, 1000);
  ASSERT_TRUE(at_start.has_value());
  EXPECT_EQ(at_start->number, 1);
  const auto between = m_history->version_at(1, 2999);
  ASSERT_TRUE(between.has_value());
  EXPECT_EQ(between->number, 2);
  EXPECT_EQ(m_history->text(*between), "second\n");
  const auto later = m_history->version_at(1, 1'000'000);
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->number, 3);
  EXPECT_EQ(m_history->text(*later), "third\n");
}

TEST_P(ConfigHistoryTest, DiffShowsEveryChangedLineWithHunkPositionsInTheWholeFile) {
  std::vector<std::string> lines;
  for (int i = 1; i <= 3000; ++i) {
    lines.push_back("line " + std::to_string(i));
  }
  const std::string before = join_lines(lines);
  for (int i = 0; i < 700; ++i) {  // more than a journal excerpt would show
    lines[static_cast<std::size_t>(2000 + i)] = "changed " + std::to_string(i);
  }
  lines.insert(lines.begin() + 10, "inserted near the top");
  store(device(1), before, 1000);
  store(device(1), join_lines(lines), 2000);

  const auto from = m_history->version(1, 1);
  const auto to = m_history->version(1, 2);
  ASSERT_TRUE(from && to);
  const ConfigDiff diff = m_history->diff(*from, *to);
  EXPECT_EQ(diff.lines_added, 701);
  EXPECT_EQ(diff.lines_removed, 700);
  EXPECT_EQ(diff.from.number, 1);
  EXPECT_EQ(diff.to.number, 2);
  EXPECT_THAT(diff.text, HasSubstr("@@ -8,6 +8,7 @@\n line 8\n line 9\n line 10\n+inserted near the top\n"));
  EXPECT_THAT(diff.text, HasSubstr("-line 2001\n"));
  EXPECT_THAT(diff.text, HasSubstr("+changed 699\n"));
  EXPECT_THAT(diff.text, Not(HasSubstr("too many")));
  EXPECT_THAT(diff.text, Not(HasSubstr("line 1500\n")));

  const ConfigDiff backwards = m_history->diff(*to, *from);
  EXPECT_EQ(backwards.lines_added, 700);
  EXPECT_EQ(backwards.lines_removed, 701);
  EXPECT_THAT(backwards.text, HasSubstr("-inserted near the top\n"));

  const ConfigDiff same = m_history->diff(*to, *to);
  EXPECT_EQ(same.text, "");
  EXPECT_EQ(same.lines_added + same.lines_removed, 0);
}

TEST_P(ConfigHistoryTest, ChangesSinceCountsOnlyNewVersionsInTheWindowNotFirstBackups) {
  store(device(1), config_text(1, 1), 1000);
  store(device(2), config_text(2, 1), 1000);
  store(device(3), config_text(3, 1), 5000);  // first backup inside the window: not a change
  store(device(1), config_text(1, 2), 2000);  // before the window
  store(device(2), config_text(2, 2), 4000);
  store(device(2), config_text(2, 3), 4500);

  const auto changed = m_history->changes_since(3000);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].device_id, 2);
  EXPECT_EQ(changed[0].name, "dev2");
  EXPECT_EQ(changed[0].site, "site-a");
  EXPECT_EQ(changed[0].platform, "cisco-ios");
  EXPECT_EQ(changed[0].versions, 2);
  EXPECT_EQ(changed[0].lines_added, 2);
  EXPECT_EQ(changed[0].lines_removed, 2);
  EXPECT_EQ(changed[0].last_change_at, 4500);

  std::vector<std::string> names;
  for (const auto& c : m_history->changes_since(1500)) {
    names.push_back(c.name);
  }
  EXPECT_THAT(names, ElementsAre("dev1", "dev2"));
  EXPECT_TRUE(m_history->changes_since(4501).empty());
}

TEST_P(ConfigHistoryTest, ChangesSinceFiltersByPlatformSiteAndRole) {
  DeviceRecord ios = device(1);
  DeviceRecord junos = device(2);
  junos.platform = "juniper-junos";
  junos.site = "site-b";
  junos.role = "core";
  for (const auto& record : {ios, junos}) {
    store(record, config_text(record.id, 1), 1000);
    store(record, config_text(record.id, 2), 2000);
  }
  const auto only = [&](const DeviceFilter& filter) {
    std::vector<std::int64_t> ids;
    for (const auto& c : m_history->changes_since(0, filter)) {
      ids.push_back(c.device_id);
    }
    return ids;
  };
  EXPECT_THAT(only({}), ElementsAre(1, 2));
  EXPECT_THAT(only({"juniper-junos", "", ""}), ElementsAre(2));
  EXPECT_THAT(only({"", "site-a", ""}), ElementsAre(1));
  EXPECT_THAT(only({"", "", "core"}), ElementsAre(2));
  EXPECT_THAT(only({"cisco-ios", "site-b", ""}), ElementsAre());
}

TEST_P(ConfigHistoryTest, ADamagedBlobIsAnErrorNamingTheFileNotAWrongConfig) {
  store(device(1), config_text(1, 1), 1000);
  sql().execute("UPDATE blobs SET content = ?1", detail::SqlParams().add_blob(std::string("\x00\x11\x22\x33", 4)));
  const auto version = m_history->version(1, 1);
  ASSERT_TRUE(version.has_value());
  try {
    (void)m_history->text(*version);
    FAIL() << "a damaged blob was read";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(e.what(), HasSubstr(database().path().string()));
  }
}

NBSYNC_ON_BOTH_BACKENDS(ConfigHistoryTest);

}  // namespace
}  // namespace nbsync::storage
