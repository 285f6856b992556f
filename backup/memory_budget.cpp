#include "backup/memory_budget.hpp"

#include <algorithm>

namespace nbsync::backup {
namespace {

// How often a waiting session looks at its stop token.
constexpr std::chrono::milliseconds k_abandon_check{200};

}  // namespace

MemoryLease::MemoryLease(MemoryBudget* budget) : m_budget(budget) {}

MemoryLease::~MemoryLease() {
  give_back(m_held);
}

bool MemoryLease::take(std::size_t bytes, const std::stop_token& abandon, std::chrono::milliseconds& waited) {
  waited = std::chrono::milliseconds(0);
  if (bytes == 0) {
    return true;
  }
  if (m_budget == nullptr) {
    m_held += bytes;
    return true;
  }
  return m_budget->take(*this, bytes, abandon, waited);
}

void MemoryLease::give_back(std::size_t bytes) {
  bytes = std::min(bytes, m_held);
  if (m_budget == nullptr) {
    m_held -= bytes;
  } else if (bytes > 0) {
    m_budget->give_back(*this, bytes);
  }
}

MemoryBudgetState MemoryBudget::state() const {
  std::lock_guard lock(m_mutex);
  MemoryBudgetState state = m_state;
  state.budget = m_budget;
  return state;
}

bool MemoryBudget::may_take(const MemoryLease& lease, std::size_t bytes) const {
  if (m_budget == 0 || m_state.held + bytes <= m_budget) {
    return true;
  }
  // The oldest holder goes on regardless, so the holders never all wait on each other.
  return m_holders.empty() || (lease.m_held > 0 && *m_holders.begin() == lease.m_ticket);
}

bool MemoryBudget::take(MemoryLease& lease, std::size_t bytes, const std::stop_token& abandon,
                        std::chrono::milliseconds& waited) {
  std::unique_lock lock(m_mutex);
  if (!may_take(lease, bytes)) {
    const auto started = std::chrono::steady_clock::now();
    ++m_state.waits;
    while (!may_take(lease, bytes)) {
      if (abandon.stop_requested()) {
        return false;
      }
      m_freed.wait_for(lock, k_abandon_check);
    }
    waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    m_state.waited += waited;
  }
  if (lease.m_held == 0) {
    lease.m_ticket = m_next_ticket++;
    m_holders.insert(lease.m_ticket);
  }
  lease.m_held += bytes;
  m_state.held += bytes;
  m_state.peak = std::max(m_state.peak, m_state.held);
  return true;
}

void MemoryBudget::give_back(MemoryLease& lease, std::size_t bytes) {
  {
    std::lock_guard lock(m_mutex);
    lease.m_held -= bytes;
    m_state.held -= bytes;
    if (lease.m_held == 0) {
      m_holders.erase(lease.m_ticket);
    }
  }
  m_freed.notify_all();
}

}  // namespace nbsync::backup
