#include "config/secret_option.hpp"

#include <optional>
#include <string>

#include "config/config.hpp"
#include "config/detail/secret_file.hpp"

namespace nbsync {

Secret read_secret_option(std::string_view option, const std::filesystem::path& file) {
  std::string problem;
  std::optional<std::string> value = detail::read_required_secret_file(file, problem);
  if (!value) {
    throw ConfigError(std::string(option) + ": " + problem);
  }
  return Secret(std::move(*value), "file " + file.string());
}

}  // namespace nbsync
