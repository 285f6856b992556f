#pragma once
// A secret's file as nbsync reads every one: its whole text without the line ends at its
// end (editors and `echo` add one). nullopt when it cannot be read (errno says why).
#include <filesystem>
#include <optional>
#include <string>

namespace nbsync::detail {

std::optional<std::string> read_secret_file(const std::filesystem::path& file);

// The secret in `file`, which must not be empty; nullopt with `problem` set ("cannot read
// FILE: reason" or "FILE is empty; it must hold the secret") otherwise. `problem` never holds
// the file's content.
std::optional<std::string> read_required_secret_file(const std::filesystem::path& file, std::string& problem);

}  // namespace nbsync::detail
