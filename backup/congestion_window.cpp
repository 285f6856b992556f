#include "backup/congestion_window.hpp"

#include <algorithm>

namespace nbsync::backup {
namespace {

constexpr int k_struggles_to_back_off = 2;  // "together": one broken device is not an overload

}  // namespace

CongestionWindow::CongestionWindow(int start, int max)
    : m_window(std::clamp(start, 1, std::max(1, max))), m_max(std::max(1, max)), m_lowest(allowed()) {}

int CongestionWindow::allowed() const {
  return std::max(1, static_cast<int>(m_window));
}

void CongestionWindow::record(Clock::time_point started, bool struggled, Clock::time_point now) {
  if (!struggled) {
    m_window = std::min<double>(m_max, m_window + (m_slow_start ? 1.0 : 1.0 / m_window));
    return;
  }
  if (m_backoffs > 0 && started < m_last_backoff) {
    return;  // it started under the wider window: that overload was answered already
  }
  if (++m_struggles < k_struggles_to_back_off) {
    return;
  }
  m_window = std::max(1.0, m_window / 2);
  m_slow_start = false;
  m_last_backoff = now;
  m_struggles = 0;
  ++m_backoffs;
  m_lowest = std::min(m_lowest, allowed());
}

}  // namespace nbsync::backup
