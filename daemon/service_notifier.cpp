#include "daemon/service_notifier.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>
#include <ctime>

namespace nbsync::daemon {

ServiceNotifier::ServiceNotifier() : m_enabled(std::getenv("NOTIFY_SOCKET") != nullptr) {}

bool ServiceNotifier::send(const std::string& message) {
  if (!m_enabled) {
    return false;
  }
  const int result = sd_notify(0, message.c_str());
  if (result > 0) {
    return true;
  }
  if (!m_warned) {
    m_warned = true;
    const char* socket = std::getenv("NOTIFY_SOCKET");
    spdlog::warn("systemd: cannot notify {}: {}; systemd may not see readiness or watchdog pings",
                 socket != nullptr ? socket : "(NOTIFY_SOCKET unset)",
                 result < 0 ? std::strerror(-result) : "NOTIFY_SOCKET vanished");
  }
  return false;
}

bool ServiceNotifier::ready() {
  return send("READY=1");
}

bool ServiceNotifier::status(std::string_view text) {
  if (!m_enabled) {
    return false;
  }
  std::string message = "STATUS=";
  for (const char c : text) {
    message.push_back(c == '\n' || c == '\r' ? ' ' : c);
  }
  return send(message);
}

bool ServiceNotifier::reloading() {
  if (!m_enabled) {
    return false;
  }
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<long long>(now.tv_sec) * 1000000LL + now.tv_nsec / 1000;
  return send(std::string("RELOADING=1\nMONOTONIC_USEC=").append(std::to_string(usec)));
}

bool ServiceNotifier::stopping() {
  return send("STOPPING=1");
}

bool ServiceNotifier::watchdog() {
  return send("WATCHDOG=1");
}

std::optional<std::chrono::microseconds> ServiceNotifier::watchdog_interval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(usec));
  }
  return std::nullopt;
}

std::optional<std::chrono::microseconds> ServiceNotifier::watchdog_ping_interval() {
  if (const auto interval = watchdog_interval()) {
    return *interval / 2;
  }
  return std::nullopt;
}

}  // namespace nbsync::daemon
