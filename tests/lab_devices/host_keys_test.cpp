#include "lab/devices/host_keys.hpp"

#include <gtest/gtest.h>
#include <libssh/libssh.h>

#include "tests/support/temp_dir.hpp"

namespace nbsync::lab {
namespace {

TEST(HostKeys, DerivedKeysAreStablePerDeviceAndGeneration) {
  const auto secret = host_key_secret_from_seed(3);
  const auto a = derive_host_key(secret, 10, 0);
  EXPECT_EQ(host_key_fingerprint(a), host_key_fingerprint(derive_host_key(secret, 10, 0)));
  EXPECT_NE(host_key_fingerprint(a), host_key_fingerprint(derive_host_key(secret, 11, 0)));
  EXPECT_NE(host_key_fingerprint(a), host_key_fingerprint(derive_host_key(secret, 10, 1)));
  EXPECT_NE(host_key_fingerprint(a), host_key_fingerprint(derive_host_key(host_key_secret_from_seed(4), 10, 0)));
  EXPECT_EQ(host_key_fingerprint(a).rfind("SHA256:", 0), 0U);
  EXPECT_EQ(host_key_public_line(a).rfind("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", 0), 0U);
}

TEST(HostKeys, LibsshImportsThePrivateKeyAndAgreesOnTheFingerprint) {
  const auto key = derive_host_key(host_key_secret_from_seed(1), 77, 2);
  ssh_key imported = nullptr;
  ASSERT_EQ(ssh_pki_import_privkey_base64(host_key_openssh_private(key).c_str(), nullptr, nullptr, nullptr, &imported),
            SSH_OK);
  EXPECT_EQ(ssh_key_type(imported), SSH_KEYTYPE_ED25519);
  unsigned char* hash = nullptr;
  size_t length = 0;
  ASSERT_EQ(ssh_get_publickey_hash(imported, SSH_PUBLICKEY_HASH_SHA256, &hash, &length), 0);
  char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
  EXPECT_EQ(std::string(text), host_key_fingerprint(key));
  ssh_string_free_char(text);
  ssh_clean_pubkey_hash(&hash);
  ssh_key_free(imported);
}

TEST(HostKeys, SecretFileIsCreatedOnceAndReused) {
  test::TempDir dir;
  const auto path = dir / "state" / "secret";
  const auto first = load_or_create_host_key_secret(path);
  EXPECT_EQ(load_or_create_host_key_secret(path), first);
  dir.write("bad", "xyz\n");
  EXPECT_THROW(load_or_create_host_key_secret(dir / "bad"), std::runtime_error);
}

}  // namespace
}  // namespace nbsync::lab
