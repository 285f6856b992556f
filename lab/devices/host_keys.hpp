#pragma once
// Per-device ed25519 host keys, derived (not stored) from a lab-wide 32-byte secret, the
// device id and the device's key generation: the same inputs always give the same key, so
// keys survive restarts as long as the secret does, and rotating a key is "generation + 1".
// The secret comes from --state DIR (created once, random) or, without a state dir, from
// the seed. Deriving a key costs ~0.1 ms, so workers derive lazily on the first connection.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

namespace nbsync::lab {

using KeyBytes = std::array<unsigned char, 32>;

struct HostKey {
  KeyBytes seed{};  // the ed25519 private seed
  KeyBytes public_key{};
};

// The generation a device with the host_key_rotated fault presents instead of its own.
inline constexpr std::uint32_t k_rotated_generation_flag = 0x80000000U;

HostKey derive_host_key(const KeyBytes& secret, std::int64_t device_id, std::uint32_t generation);
// "ssh-ed25519 AAAA..." (an authorized_keys / known_hosts key field).
std::string host_key_public_line(const HostKey& key);
// "SHA256:..." as ssh-keygen -l prints it.
std::string host_key_fingerprint(const HostKey& key);
// The key as an unencrypted OpenSSH private key file ("-----BEGIN OPENSSH PRIVATE KEY-----").
std::string host_key_openssh_private(const HostKey& key);

KeyBytes host_key_secret_from_seed(std::uint64_t seed);
// Reads `path` (64 hex digits), creating it (mode 0600, random) when missing. Throws
// std::runtime_error naming the file when it cannot be read, written or parsed.
KeyBytes load_or_create_host_key_secret(const std::filesystem::path& path);

}  // namespace nbsync::lab
