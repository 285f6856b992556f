#pragma once
// The masking key as the first backup needs it: storage.mask_key when set, else the
// contents of storage.mask_key_file, which is created (mode 0600, 32 random bytes as hex)
// when it does not exist yet. Never logged; never stored in the database.
#include <optional>

#include "config/config.hpp"

namespace nbsync {

// Empty when neither key is configured or masking is off. Throws ConfigError naming the
// file and what to do when it cannot be read or created.
std::optional<Secret> load_mask_key(const StorageConfig& storage);

}  // namespace nbsync
