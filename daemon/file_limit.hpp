#pragma once
// nbsync's share of file descriptors. Each SSH session holds a socket, and SQLite, libcurl
// and the metrics listener hold a few more; a process that runs out sees EMFILE, which is
// nbsync's failure, never a device's. At start the soft RLIMIT_NOFILE is raised to the hard
// limit, and the workers are fitted into what that allows.
namespace nbsync::daemon {

// Raises the soft RLIMIT_NOFILE to the hard limit (once per process); returns the soft limit.
long raise_file_limit();

// How many of `workers` fit within `file_limit` descriptors, keeping a reserve for the
// database, HTTP clients and logs. `tunnels`: sessions may run through jump hosts (a
// socketpair each, both ends in this process). At least 1.
int workers_within(int workers, long file_limit, bool tunnels = false);

// raise_file_limit(), then workers_within(); logs one line when the workers do not fit.
int fit_workers_to_file_limit(int workers, bool tunnels = false);

}  // namespace nbsync::daemon
