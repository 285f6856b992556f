#pragma once
// The commands that read a device's stored versions: `history`, `show`, `diff` and `changes`. Each
// prints plain text (or JSON with `json`) on stdout and returns the exit code; input that
// does not fit the database throws InputError, a database failure DatabaseError.
#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace nbsync::commands {

struct HistoryOptions {
  std::string device;  // name as NetBox shows it, or NetBox id
  bool json = false;
};
int run_history(const Config& config, const HistoryOptions& options);

struct ShowOptions {
  std::string device;
  std::optional<std::string> version;  // a number; neither this nor `at`: the latest
  std::optional<std::string> at;       // a time: the version current then
  bool json = false;
};
int run_show(const Config& config, const ShowOptions& options);

struct DiffOptions {
  std::string device;
  std::optional<std::string> from;  // neither: previous -> latest; only `from`: from -> latest
  std::optional<std::string> to;
  bool json = false;
  bool colour = false;  // red/green lines and cyan hunk headers (stdout is a terminal)
};
int run_diff(const Config& config, const DiffOptions& options);

struct ChangesOptions {
  std::string since = "24h";  // a duration back from now, or a time
  std::string platform;       // NetBox slugs; empty matches all
  std::string site;
  std::string role;
  bool json = false;
};
int run_changes(const Config& config, const ChangesOptions& options);

}  // namespace nbsync::commands
