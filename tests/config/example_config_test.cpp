// The documented example config must load (with its secret files present).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "config/config.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync {
namespace {

TEST(ExampleConfig, LoadsWithEveryDocumentedDefault) {
  std::ifstream in(std::string(NBSYNC_SOURCE_DIR) + "/systemd/nbsync.example.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  test::TempDir dir;
  dir.write("netbox.token", "0123456789abcdef0123456789abcdef01234567\n");
  dir.write("device.password", "pw\n");
  text = std::regex_replace(text, std::regex("/etc/nbsync/"), dir.path().string() + "/");
  text = std::regex_replace(text, std::regex("/var/lib/nbsync/"), dir.path().string() + "/");
  const Config config = load_config(dir.write("nbsync.toml", text));
  const Config defaults = [] {
    Config c;
    return c;
  }();
  EXPECT_EQ(config.ssh.workers, defaults.ssh.workers);
  EXPECT_EQ(config.ssh.port, defaults.ssh.port);
  EXPECT_EQ(config.ssh.connect_timeout, defaults.ssh.connect_timeout);
  EXPECT_EQ(config.ssh.command_timeout, defaults.ssh.command_timeout);
  EXPECT_EQ(config.ssh.max_config_bytes, defaults.ssh.max_config_bytes);
  EXPECT_EQ(config.ssh.retries, defaults.ssh.retries);
  EXPECT_EQ(config.netbox.page_size, defaults.netbox.page_size);
  EXPECT_EQ(config.netbox.timeout, defaults.netbox.timeout);
  EXPECT_EQ(config.netbox.filters.status, defaults.netbox.filters.status);
  EXPECT_EQ(config.storage.mask_secrets, defaults.storage.mask_secrets);
  EXPECT_EQ(config.log.level, defaults.log.level);
}

}  // namespace
}  // namespace nbsync
