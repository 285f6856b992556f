#pragma once
// nbsync's exit codes, the same for every command (README.md, "Exit codes"). Cron and
// systemd tell a cycle that ran from one that could not do its work by these alone.
namespace nbsync::daemon {

inline constexpr int k_exit_ok = 0;  // done; devices that failed are outcomes, not errors
// nbsync could not do its own part: results not stored (disk, database), NetBox refused
// netbox-setup, or devices left un-backed-up because nbsync ran out of file descriptors.
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_usage = 2;  // usage, config or database path error: nothing was done
// The cycle ran, but NetBox's inventory could not be read whole: what was read was backed
// up and no device was retired. NetBox needs looking at.
inline constexpr int k_exit_inventory_incomplete = 3;

}  // namespace nbsync::daemon
