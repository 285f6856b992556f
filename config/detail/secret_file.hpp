#pragma once
// A secret's file as nbsync reads every one: its whole text without the line ends at its
// end (editors and `echo` add one). nullopt when it cannot be read (errno says why).
#include <filesystem>
#include <optional>
#include <string>

namespace nbsync::detail {

std::optional<std::string> read_secret_file(const std::filesystem::path& file);

}  // namespace nbsync::detail
