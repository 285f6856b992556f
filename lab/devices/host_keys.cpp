#include "lab/devices/host_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace nbsync::lab {
namespace {

void put_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>((v >> 24) & 0xff));
  out.push_back(static_cast<char>((v >> 16) & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

void put_string(std::string& out, const void* data, std::size_t size) {
  put_u32(out, static_cast<std::uint32_t>(size));
  out.append(static_cast<const char*>(data), size);
}

void put_string(std::string& out, const std::string& s) {
  put_string(out, s.data(), s.size());
}

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string sha256(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string public_blob(const HostKey& key) {
  std::string blob;
  put_string(blob, std::string("ssh-ed25519"));
  put_string(blob, key.public_key.data(), key.public_key.size());
  return blob;
}

}  // namespace

HostKey derive_host_key(const KeyBytes& secret, std::int64_t device_id, std::uint32_t generation) {
  std::string material = "nbsync-lab host key v1";
  material.append(reinterpret_cast<const char*>(secret.data()), secret.size());
  put_u32(material, static_cast<std::uint32_t>(static_cast<std::uint64_t>(device_id) >> 32));
  put_u32(material, static_cast<std::uint32_t>(static_cast<std::uint64_t>(device_id) & 0xffffffffU));
  put_u32(material, generation);
  const std::string digest = sha256(material);
  HostKey key;
  std::memcpy(key.seed.data(), digest.data(), key.seed.size());
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, key.seed.data(), key.seed.size()), &EVP_PKEY_free);
  std::size_t size = key.public_key.size();
  if (!pkey || EVP_PKEY_get_raw_public_key(pkey.get(), key.public_key.data(), &size) != 1 ||
      size != key.public_key.size()) {
    throw std::runtime_error("OpenSSL could not derive an ed25519 host key for device " + std::to_string(device_id));
  }
  return key;
}

std::string host_key_public_line(const HostKey& key) {
  return "ssh-ed25519 " + base64(public_blob(key));
}

std::string host_key_fingerprint(const HostKey& key) {
  std::string b64 = base64(sha256(public_blob(key)));
  while (!b64.empty() && b64.back() == '=') {
    b64.pop_back();
  }
  return "SHA256:" + b64;
}

std::string host_key_openssh_private(const HostKey& key) {
  std::string blob("openssh-key-v1");
  blob.push_back('\0');
  put_string(blob, std::string("none"));
  put_string(blob, std::string("none"));
  put_string(blob, std::string());
  put_u32(blob, 1);
  put_string(blob, public_blob(key));
  std::string priv;
  const std::uint32_t check = 0x6e62736bU;
  put_u32(priv, check);
  put_u32(priv, check);
  put_string(priv, std::string("ssh-ed25519"));
  put_string(priv, key.public_key.data(), key.public_key.size());
  std::string secret(reinterpret_cast<const char*>(key.seed.data()), key.seed.size());
  secret.append(reinterpret_cast<const char*>(key.public_key.data()), key.public_key.size());
  put_string(priv, secret);
  put_string(priv, std::string("nbsync-lab"));
  for (char pad = 1; priv.size() % 8 != 0; ++pad) {
    priv.push_back(pad);
  }
  put_string(blob, priv);
  const std::string b64 = base64(blob);
  std::string pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 70) {
    pem.append(b64, i, 70);
    pem.push_back('\n');
  }
  pem.append("-----END OPENSSH PRIVATE KEY-----\n");
  return pem;
}

KeyBytes host_key_secret_from_seed(std::uint64_t seed) {
  std::string material = "nbsync-lab host key secret from seed";
  put_u32(material, static_cast<std::uint32_t>(seed >> 32));
  put_u32(material, static_cast<std::uint32_t>(seed & 0xffffffffU));
  const auto digest = sha256(material);
  KeyBytes secret{};
  std::memcpy(secret.data(), digest.data(), secret.size());
  return secret;
}

KeyBytes load_or_create_host_key_secret(const std::filesystem::path& path) {
  static constexpr char k_hex[] = "0123456789abcdef";
  KeyBytes secret{};
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
      throw std::runtime_error("cannot draw random bytes for the host key secret " + path.string());
    }
    std::string text;
    for (const auto b : secret) {
      text.push_back(k_hex[b >> 4]);
      text.push_back(k_hex[b & 15]);
    }
    text.push_back('\n');
    const std::string tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(fd) != 0) {
      if (fd >= 0) {
        ::close(fd);
      }
      throw std::runtime_error("cannot write the host key secret " + tmp + ": " + std::strerror(errno) +
                               "; check that the state directory is writable");
    }
    ::close(fd);
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
      throw std::runtime_error("cannot create the host key secret " + path.string() + ": " + ec.message());
    }
    return secret;
  }
  std::ifstream in(path);
  std::string text;
  in >> text;
  if (!in || text.size() != 64) {
    throw std::runtime_error("host key secret " + path.string() +
                             " must hold 64 hex digits; delete it to make a new one (all device host keys change)");
  }
  for (std::size_t i = 0; i < secret.size(); ++i) {
    const auto nibble = [&](char c) -> int {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      throw std::runtime_error("host key secret " + path.string() +
                               " must hold 64 hex digits; delete it to make a new one");
    };
    secret[i] = static_cast<unsigned char>(nibble(text[2 * i]) * 16 + nibble(text[2 * i + 1]));
  }
  return secret;
}

}  // namespace nbsync::lab
