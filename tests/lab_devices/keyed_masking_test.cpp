// Keyed masking over every shipped profile, with the configs the lab generates for its
// platform: the keyed tags sit exactly where "<removed>" did, no secret survives, a
// rotated secret changes the text, and a new key changes nothing but the tags.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backup/config_normalizer.hpp"
#include "backup/mask_key.hpp"
#include "lab/devices/config_generator.hpp"
#include "types/mask_tag.hpp"

namespace nbsync::backup {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr lab::Platform k_platforms[] = {
    lab::Platform::cisco_ios,         lab::Platform::cisco_nxos,  lab::Platform::arista_eos,
    lab::Platform::juniper_junos,     lab::Platform::cisco_asa,   lab::Platform::cisco_iosxr,
    lab::Platform::paloalto_panos,    lab::Platform::huawei_vrp,  lab::Platform::linux_frr,
    lab::Platform::mikrotik_routeros, lab::Platform::aruba_aoscx, lab::Platform::fortinet_fortios};

lab::GeneratedConfig generated(lab::Platform platform, std::uint32_t secret_generation, std::uint64_t nonce = 1) {
  lab::ConfigRequest r;
  r.seed = 5;
  r.id = 23;
  r.hostname = "edge-23";
  r.platform = platform;
  r.version = 2;
  r.secret_generation = secret_generation;
  r.now = 1790000000;
  r.read_nonce = nonce;
  return lab::generate_config(r);
}

const MaskKey k_key(Secret("0123456789abcdef0123456789abcdef", "test"));
const MaskKey k_other_key(Secret("fedcba9876543210fedcba9876543210", "test"));

TEST(MaskKey, TagsAreShortKeyedAndStable) {
  EXPECT_EQ(k_key.tag("s3cret"), k_key.tag("s3cret"));
  EXPECT_NE(k_key.tag("s3cret"), k_key.tag("s3cret2"));
  EXPECT_NE(k_key.tag("s3cret"), k_other_key.tag("s3cret"));
  EXPECT_TRUE(is_mask_tag(k_key.tag("s3cret"))) << k_key.tag("s3cret");
  EXPECT_EQ(k_key.id().size(), 12U);
  EXPECT_NE(k_key.id(), k_other_key.id());
  EXPECT_THAT(k_key.id(), Not(HasSubstr("0123456789")));
}

TEST(KeyedMasking, EveryShippedProfileTagsWhereItMaskedBefore) {
  for (const auto platform : k_platforms) {
    const std::string profile_name(lab::platform_slug(platform));
    SCOPED_TRACE(profile_name);
    const auto profile = ProfileRegistry::shipped().find(profile_name);
    ASSERT_TRUE(profile) << profile_name;
    const auto key = std::make_shared<const MaskKey>(k_key);
    const ConfigNormalizer keyed(profile, true, key);
    const ConfigNormalizer plain(profile, true);

    const auto before = generated(platform, 0);
    const auto text = keyed.normalize(before.output);
    EXPECT_EQ(text.mask_key, k_key.id());
    EXPECT_THAT(text.text, HasSubstr("<removed:"));
    for (const auto& secret : before.secrets) {
      EXPECT_THAT(text.text, Not(HasSubstr(secret)));
    }
    EXPECT_EQ(without_mask_tags(text.text), plain.normalize(before.output).text)
        << "the tags stand exactly where \"<removed>\" stood";
    EXPECT_EQ(keyed.normalize(text.text).text, text.text) << "masked text stays as it is";
    EXPECT_EQ(keyed.normalize(generated(platform, 0, 2).output).text, text.text)
        << "another read of the same config is the same text (FortiOS re-encrypts secrets on every read)";

    const auto rotated = generated(platform, 1);
    const auto after = keyed.normalize(rotated.output);
    for (const auto& secret : rotated.secrets) {
      EXPECT_THAT(after.text, Not(HasSubstr(secret)));
    }
    EXPECT_EQ(without_mask_tags(after.text), without_mask_tags(text.text)) << "only secrets were rotated";
    if (rotated.secrets != before.secrets) {
      EXPECT_NE(after.text, text.text) << "a rotated secret shows as a change";
    }

    const ConfigNormalizer other(profile, true, std::make_shared<const MaskKey>(k_other_key));
    const auto rekeyed = other.normalize(before.output);
    EXPECT_NE(rekeyed.text, text.text);
    EXPECT_EQ(without_mask_tags(rekeyed.text), without_mask_tags(text.text));
  }
}

TEST(KeyedMasking, TheLabRotatesTheSecretsOfEveryPlatform) {
  for (const auto platform : k_platforms) {
    SCOPED_TRACE(std::string(lab::platform_slug(platform)));
    EXPECT_NE(generated(platform, 0).secrets, generated(platform, 1).secrets);
  }
}

}  // namespace
}  // namespace nbsync::backup
