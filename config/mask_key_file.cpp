#include "config/mask_key_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/detail/secret_file.hpp"
#include "types/hex.hpp"

namespace nbsync {

namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw ConfigError("storage.mask_key_file: " + what + " " + file.string() + ": " + std::strerror(errno) +
                    "; create it yourself with (umask 077; openssl rand -hex 32 > " + file.string() +
                    ") and make it readable by nbsync");
}

std::string random_hex_key() {
  unsigned char bytes[32];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno != EINTR) {
      throw ConfigError(std::string("storage.mask_key_file: no random bytes for a new key: ") + std::strerror(errno));
    }
    got += n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  return to_hex(bytes, sizeof bytes);
}

// Creates `file` with a new key unless it exists (O_EXCL: two processes never both write one).
void create_if_absent(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return;
    }
    fail(file, "cannot create");
  }
  const std::string key = random_hex_key() + "\n";
  const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    fail(file, "cannot write");
  }
}

}  // namespace

std::optional<Secret> load_mask_key(const StorageConfig& storage) {
  if (!storage.mask_secrets) {
    return std::nullopt;
  }
  if (!storage.mask_key.empty()) {
    return storage.mask_key;
  }
  if (storage.mask_key_file.empty()) {
    return std::nullopt;
  }
  create_if_absent(storage.mask_key_file);
  std::optional<std::string> key = detail::read_secret_file(storage.mask_key_file);
  if (!key) {
    fail(storage.mask_key_file, "cannot read");
  }
  if (key->empty()) {
    throw ConfigError("storage.mask_key_file: " + storage.mask_key_file.string() +
                      " is empty; it must hold the masking key (delete it and nbsync creates a new one)");
  }
  return Secret(std::move(*key), "file " + storage.mask_key_file.string());
}

}  // namespace nbsync
