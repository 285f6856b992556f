#include "daemon/progress_line.hpp"

#include <iostream>

namespace nbsync::daemon {

ProgressLine::ProgressLine(const CycleSummary& summary, bool enabled) : m_summary(summary) {
  if (enabled) {
    m_thread = std::thread([this] {
      std::unique_lock lock(m_mutex);
      while (!m_stopped) {
        std::cerr << "\r\x1b[K" << m_summary.progress_line() << std::flush;
        m_wake.wait_for(lock, std::chrono::milliseconds(500));
      }
      std::cerr << "\r\x1b[K" << std::flush;
    });
  }
}

ProgressLine::~ProgressLine() {
  {
    std::lock_guard lock(m_mutex);
    m_stopped = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

}  // namespace nbsync::daemon
