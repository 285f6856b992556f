#pragma once
// `nbsync compliance`: every device's latest config checked against the rules file, as
// tables (or JSON), optionally a JUnit file. A bad rules file throws ConfigError.
#include <filesystem>
#include <string>

#include "config/config.hpp"

namespace nbsync::commands {

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

}  // namespace nbsync::commands
