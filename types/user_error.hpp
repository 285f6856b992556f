#pragma once
// An error a person must act on, worded for them in one line, and the exit code nbsync
// ends with for it (README, "Exit codes"). Every error that can reach the command line
// derives from it, so the command line catches one type. Header-only.
#include <stdexcept>
#include <string>

namespace nbsync {

inline constexpr int k_exit_ok = 0;  // done; devices that failed are outcomes, not errors
// nbsync could not do its own part: results not stored (disk, database), NetBox refused
// netbox-setup, or devices left un-backed-up because nbsync ran out of file descriptors.
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_usage = 2;  // usage, config or database path error: nothing was done
// The cycle ran, but NetBox's inventory could not be read whole: what was read was backed
// up and no device was retired. NetBox needs looking at.
inline constexpr int k_exit_inventory_incomplete = 3;

class UserError : public std::runtime_error {
public:
  UserError(const std::string& message, int exit_code) : std::runtime_error(message), m_exit_code(exit_code) {}
  int exit_code() const noexcept { return m_exit_code; }

private:
  int m_exit_code;
};

}  // namespace nbsync
