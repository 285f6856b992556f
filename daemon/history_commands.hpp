#pragma once
// The commands that read stored configs: `history`, `show`, `diff`, `changes` and `search`. Each
// prints plain text (or JSON with `json`) on stdout and returns the exit code; input that
// does not fit the database throws InputError, a database failure DatabaseError.
#include <filesystem>
#include <optional>
#include <string>

#include "daemon/config.hpp"

namespace nbsync::daemon {

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

struct SearchOptions {
  std::string regex;     // PCRE2, matched against each line of each device's latest config
  std::string platform;  // NetBox slugs; empty matches all
  std::string site;
  std::string role;
  bool json = false;
};
// 0 when something matched, 1 when nothing did (like grep).
int run_search(const Config& config, const SearchOptions& options);

struct ComplianceOptions {
  std::filesystem::path rules;  // empty: compliance.rules of the config
  std::string platform;         // NetBox slugs; empty matches all
  std::string site;
  std::string role;
  bool json = false;
  bool verbose = false;         // a table for every device, passing ones too
  std::filesystem::path junit;  // also write JUnit XML here
};
// 0 when no rule of severity error fails, 1 when one does.
int run_compliance(const Config& config, const ComplianceOptions& options);

struct StatusOptions {
  bool json = false;
};
int run_status(const Config& config, const StatusOptions& options);

}  // namespace nbsync::daemon
