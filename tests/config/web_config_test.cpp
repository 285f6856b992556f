// The [web] table: off by default, every key read and checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync {
namespace {

using ::testing::HasSubstr;

class WebConfigTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir.write("netbox.token", "0123456789abcdef0123456789abcdef01234567\n");
    dir.write("device.password", "pw\n");
  }
  Config load(const std::string& web) {
    return load_config(dir.write("nbsync.toml",
                                 "[netbox]\nurl = \"http://127.0.0.1:8000\"\ntoken_file = "
                                 "\"netbox.token\"\n[credentials]\nusername = \"u\"\n"
                                 "password_file = \"device.password\"\n" +
                                     web));
  }
  std::string error(const std::string& web) {
    try {
      load(web);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  test::TempDir dir;
};

TEST_F(WebConfigTest, OffByDefaultAndEveryKeyIsRead) {
  EXPECT_EQ(load("").web.listen, "");
  const Config config = load(
      "[web]\nlisten = \"127.0.0.1:9811\"\nbase_url = \"https://nbsync.example.com/nb/\"\n"
      "session_idle = \"10m\"\nsession_max = \"8h\"\npermission_cache = \"30s\"\n"
      "trusted_proxies = [\"127.0.0.1\", \"::1\"]\n");
  EXPECT_EQ(config.web.listen, "127.0.0.1:9811");
  EXPECT_EQ(config.web.base_url, "https://nbsync.example.com/nb") << "the trailing slash goes";
  EXPECT_EQ(config.web.session_idle, std::chrono::minutes(10));
  EXPECT_EQ(config.web.session_max, std::chrono::hours(8));
  EXPECT_EQ(config.web.permission_cache, std::chrono::seconds(30));
  EXPECT_EQ(config.web.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_TRUE(load("[web]\n").web.trusted_proxies.empty()) << "no proxy is trusted unless named";
}

TEST_F(WebConfigTest, RefusesWhatCannotWork) {
  EXPECT_THAT(error("[web]\nlisten = \"nowhere\"\n"), HasSubstr("web.listen"));
  EXPECT_THAT(error("[web]\nbase_url = \"nbsync.example.com\"\n"), HasSubstr("web.base_url"));
  EXPECT_THAT(error("[web]\nsession_idle = \"2h\"\nsession_max = \"1h\"\n"), HasSubstr("web.session_max"));
  EXPECT_THAT(error("[web]\nsesion_idle = \"2h\"\n"), HasSubstr("web.sesion_idle"));
  EXPECT_THAT(error("[web]\ntrusted_proxies = [\"127.0.0.1\", \"proxy.example.com\"]\n"),
              HasSubstr("web.trusted_proxies: \"proxy.example.com\" is not an IP address"));
}

TEST_F(WebConfigTest, TlsNeedsBothFilesAndBothReadable) {
  dir.write("cert.pem", "-----BEGIN CERTIFICATE-----\n");
  dir.write("key.pem", "-----BEGIN PRIVATE KEY-----\n");
  const Config plain = load("[web]\nlisten = \"127.0.0.1:9811\"\n");
  EXPECT_FALSE(plain.web.tls());
  const Config tls = load("[web]\nlisten = \"127.0.0.1:9811\"\ncert_file = \"cert.pem\"\nkey_file = \"key.pem\"\n");
  EXPECT_TRUE(tls.web.tls());
  EXPECT_EQ(tls.web.cert_file, dir / "cert.pem") << "relative to the config file";
  EXPECT_EQ(tls.web.key_file, dir / "key.pem");

  EXPECT_THAT(error("[web]\ncert_file = \"cert.pem\"\n"), HasSubstr("web.key_file: HTTPS needs both cert_file"));
  EXPECT_THAT(error("[web]\nkey_file = \"key.pem\"\n"), HasSubstr("web.cert_file: HTTPS needs both"));
  const std::string missing = error("[web]\ncert_file = \"cert.pem\"\nkey_file = \"nokey.pem\"\n");
  EXPECT_THAT(missing, HasSubstr("web.key_file: cannot read " + (dir / "nokey.pem").string()));
  EXPECT_THAT(missing, HasSubstr("No such file"));
  EXPECT_THAT(error("[web]\ncert_file = \".\"\nkey_file = \"key.pem\"\n"), HasSubstr("is a directory"));
}

TEST_F(WebConfigTest, WebhooksAreOffWithoutASecretAndTheSecretIsNeverInline) {
  EXPECT_FALSE(load("").webhook.enabled());
  dir.write("webhook.secret", "s3cret-value\n");
  const Config config = load(
      "[webhook]\nsecret_file = \"webhook.secret\"\nlisten = \"127.0.0.1:9812\"\n"
      "url = \"https://nbsync.example.com/netbox/webhook\"\nmax_age = \"2m\"\n");
  EXPECT_TRUE(config.webhook.enabled());
  EXPECT_EQ(config.webhook.secret.reveal(), "s3cret-value");
  EXPECT_EQ(config.webhook.listen, "127.0.0.1:9812");
  EXPECT_EQ(config.webhook.max_age, std::chrono::minutes(2));

  const std::string inline_secret = error("[webhook]\nsecret = \"s3cret-value\"\n");
  EXPECT_THAT(inline_secret, HasSubstr("inline secrets are not accepted"));
  EXPECT_THAT(inline_secret, ::testing::Not(HasSubstr("s3cret-value")));
  EXPECT_THAT(error("[webhook]\nlisten = \"127.0.0.1:9812\"\n"), HasSubstr("webhooks need a shared secret"));
  EXPECT_THAT(error("[webhook]\nsecret_file = \"webhook.secret\"\nurl = \"nbsync.example.com\"\n"),
              HasSubstr("expected the http(s):// URL NetBox reaches"));
  EXPECT_THAT(error("[webhook]\nsecret_file = \"webhook.secret\"\nmax_age = \"1s\"\n"),
              HasSubstr("max_age: expected at least 10s"));
  EXPECT_THAT(error("[webhook]\nsecret_file = \"webhook.secret\"\nlisten = \"nowhere\"\n"),
              HasSubstr("webhook.listen"));
}

}  // namespace
}  // namespace nbsync
