#pragma once
// How many device sessions this process ran and how many round trips they took, for the
// cycle summary and the benchmark. A round trip is a write that must wait for the device's
// answer before the next write: opening a channel, the pty, shell and exec requests, and
// each command whose prompt the dialogue waits for (commands typed ahead in one write count
// once; exit, sent without waiting, not at all). SSH's own (key exchange, authentication)
// are the same for every client and not counted. Thread-safe totals since the start.
#include <cstdint>

namespace nbsync::backup {

struct SessionCounts {
  std::uint64_t sessions = 0;     // fetch_config calls that reached the device's login
  std::uint64_t round_trips = 0;  // over all of them
};

SessionCounts session_counts();
// Adds one session of `round_trips` (fetch_config does).
void count_session(int round_trips);

}  // namespace nbsync::backup
