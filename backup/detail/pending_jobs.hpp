#pragma once
// The pool's waiting jobs, grouped by the [[ssh.limit]] scopes their device falls under,
// each group in arrival order. take() hands out the oldest job that may start now: no
// session open to its device yet, and every limit of its group free. A group held back by
// a full limit does not hold back the others, so one throttled site never stalls the rest
// of the fleet; without limits this is a plain first-in first-out queue. An urgent job
// ("back up now") goes ahead of every ordinary one, after the urgent ones before it.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "backup/backup_job.hpp"
#include "backup/scope_limiter.hpp"

namespace nbsync::backup::detail {

struct StartableJob {
  BackupJob job;
  LimitSet limits;
};

class PendingJobs {
public:
  using Clock = ScopeLimiter::Clock;
  // Whether a session to this device is open already.
  using DeviceBusy = std::function<bool(const inventory::Device&)>;

  // Dropped when an urgent job of the same device waits (it backs the device up).
  void push(BackupJob job, LimitSet limits);
  // Ahead of the ordinary jobs; an ordinary job of the same device still waiting is
  // dropped (the urgent one backs it up). True when one was.
  bool push_urgent(BackupJob job, LimitSet limits);
  // The oldest job that may start at `now`, removed; nullopt if none may. Then `wake_at`
  // is lowered to when a login rate lets one start (a full session cap or a busy device
  // waits for a session to end instead).
  std::optional<StartableJob> take(Clock::time_point now, const ScopeLimiter& limiter, const DeviceBusy& busy,
                                   Clock::time_point& wake_at);
  std::vector<BackupJob> drain();

  bool empty() const { return m_size == 0; }
  // Jobs waiting outside any limit's scope, and inside one.
  std::size_t unlimited_size() const;
  std::size_t limited_size() const { return m_size - unlimited_size(); }

private:
  struct Entry {
    std::uint64_t arrival = 0;
    BackupJob job;
  };

  // Ordinary arrivals count from here, urgent ones from 0: the oldest arrival goes first.
  static constexpr std::uint64_t k_ordinary = std::uint64_t{1} << 62;

  bool drop_ordinary(std::int64_t device_id);

  std::map<LimitSet, std::deque<Entry>> m_groups;
  std::uint64_t m_arrivals = k_ordinary;
  std::uint64_t m_urgent_arrivals = 0;
  std::set<std::int64_t> m_urgent_devices;  // devices of the urgent jobs waiting
  std::size_t m_size = 0;
};

}  // namespace nbsync::backup::detail
