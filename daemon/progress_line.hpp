#pragma once
// The one-line progress display of `nbsync run --once` on a terminal: redrawn on stderr
// twice a second from the cycle's summary until destroyed, then erased.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "daemon/cycle_summary.hpp"

namespace nbsync::daemon {

class ProgressLine {
public:
  ProgressLine(const CycleSummary& summary, bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

private:
  const CycleSummary& m_summary;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopped = false;
  std::thread m_thread;
};

}  // namespace nbsync::daemon
