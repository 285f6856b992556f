#include "config/detail/secret_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace nbsync::detail {

std::optional<std::string> read_secret_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string value = content.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
    value.pop_back();
  }
  return value;
}

std::optional<std::string> read_required_secret_file(const std::filesystem::path& file, std::string& problem) {
  std::optional<std::string> value = read_secret_file(file);
  if (!value) {
    problem = "cannot read " + file.string() + ": " + std::strerror(errno);
  } else if (value->empty()) {
    problem = file.string() + " is empty; it must hold the secret";
    value.reset();
  }
  return value;
}

}  // namespace nbsync::detail
