#pragma once
// One budget for the config bytes every session holds at once (ssh.memory_budget). A session
// takes bytes before each read and gives them back when its device's result has been handed
// on; a session that would exceed the budget waits without reading (so the SSH window and TCP
// push back on the device) and never fails for it. The oldest session holding bytes may always
// take more, so sessions waiting on each other can never stall: the peak is the budget plus
// at most one session's config. Waiting time is the session's own, not the device's: reads
// do not count it against their timeouts. Thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <stop_token>

namespace nbsync::backup {

struct MemoryBudgetState {
  std::size_t budget = 0;               // 0: no budget
  std::size_t held = 0;                 // by all sessions now
  std::size_t peak = 0;                 // most held at once
  std::uint64_t waits = 0;              // times a session waited for bytes
  std::chrono::milliseconds waited{0};  // all those waits together
};

class MemoryBudget;

// What one session holds of the budget; gives it all back when destroyed.
class MemoryLease {
public:
  explicit MemoryLease(MemoryBudget* budget = nullptr);  // null: no budget, nothing waits
  ~MemoryLease();
  MemoryLease(const MemoryLease&) = delete;
  MemoryLease& operator=(const MemoryLease&) = delete;

  // Takes `bytes` more, waiting while the budget is spent (unless this lease is the oldest
  // holder); false when `abandon` asked to stop first. `waited` says how long it waited.
  bool take(std::size_t bytes, const std::stop_token& abandon, std::chrono::milliseconds& waited);
  // Gives back what a read did not use.
  void give_back(std::size_t bytes);
  std::size_t held() const { return m_held; }

private:
  friend class MemoryBudget;
  MemoryBudget* m_budget;
  std::uint64_t m_ticket = 0;  // when it first held bytes: lower is older
  std::size_t m_held = 0;
};

class MemoryBudget {
public:
  explicit MemoryBudget(std::size_t bytes) : m_budget(bytes) {}
  MemoryBudgetState state() const;

private:
  friend class MemoryLease;
  bool take(MemoryLease& lease, std::size_t bytes, const std::stop_token& abandon, std::chrono::milliseconds& waited);
  void give_back(MemoryLease& lease, std::size_t bytes);
  bool may_take(const MemoryLease& lease, std::size_t bytes) const;

  const std::size_t m_budget;
  mutable std::mutex m_mutex;
  std::condition_variable m_freed;
  std::set<std::uint64_t> m_holders;  // tickets of the leases holding bytes
  std::uint64_t m_next_ticket = 1;
  MemoryBudgetState m_state;
};

}  // namespace nbsync::backup
