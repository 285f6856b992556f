#pragma once
// A secret whose file a command-line option names (`nbsync db copy --to-password-file F`),
// read as the config's *_file secrets are: the whole file without its final line ends,
// which must not be empty.
#include <filesystem>
#include <string_view>

#include "types/secret.hpp"

namespace nbsync {

// Throws ConfigError (exit 2) naming the option and the file, never the file's content.
Secret read_secret_option(std::string_view option, const std::filesystem::path& file);

}  // namespace nbsync
