#include "backup/session_counts.hpp"

#include <atomic>

namespace nbsync::backup {
namespace {

std::atomic<std::uint64_t> g_sessions{0};
std::atomic<std::uint64_t> g_round_trips{0};

}  // namespace

SessionCounts session_counts() {
  return {g_sessions.load(std::memory_order_relaxed), g_round_trips.load(std::memory_order_relaxed)};
}

void count_session(int round_trips) {
  g_sessions.fetch_add(1, std::memory_order_relaxed);
  g_round_trips.fetch_add(static_cast<std::uint64_t>(round_trips), std::memory_order_relaxed);
}

}  // namespace nbsync::backup
