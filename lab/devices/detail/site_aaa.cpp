#include "lab/devices/detail/site_aaa.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nbsync::lab::detail {

static_assert(std::atomic<std::int64_t>::is_always_lock_free, "shared between processes: must not need a lock");

SiteAaaTurns::SiteAaaTurns() {
  void* slots = ::mmap(nullptr, k_sites * sizeof(std::atomic<std::int64_t>), PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (slots == MAP_FAILED) {
    throw std::runtime_error(std::string("cannot map the sites' AAA turns: ") + std::strerror(errno));
  }
  m_turns = static_cast<std::atomic<std::int64_t>*>(slots);  // zero-filled: every turn free
}

SiteAaaTurns::~SiteAaaTurns() {
  ::munmap(m_turns, k_sites * sizeof(std::atomic<std::int64_t>));
}

SiteAaaTurns::Answer SiteAaaTurns::ask(std::uint32_t site, double logins_per_second, Clock::time_point now,
                                       Clock::duration latency, Clock::duration timeout) {
  if (logins_per_second <= 0 || site >= k_sites) {
    return {now + latency, false, false};
  }
  const auto spacing =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / logins_per_second));
  std::atomic<std::int64_t>& slot = m_turns[site];
  std::int64_t next = slot.load();
  for (;;) {
    const Clock::time_point turn = std::max(now, Clock::time_point(Clock::duration(next)));
    if (turn - now + latency > timeout) {
      return {now + timeout, true, true};
    }
    if (slot.compare_exchange_weak(next, (turn + spacing).time_since_epoch().count())) {
      return {turn + latency, false, turn > now};
    }
  }
}

}  // namespace nbsync::lab::detail
