#pragma once
// Tells systemd how the service is doing (sd_notify): ready, status text, reloading,
// stopping, and watchdog pings. Whether NOTIFY_SOCKET is set is read once, at
// construction; without it every call is a cheap no-op that returns false. A failed send
// is logged once and never throws: the daemon's work does not depend on systemd hearing it.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nbsync::daemon {

class ServiceNotifier {
public:
  ServiceNotifier();

  // True when NOTIFY_SOCKET was set at construction (running under systemd Type=notify).
  bool enabled() const { return m_enabled; }

  // Each returns true when systemd got the message.
  bool ready();                        // READY=1: started, or done reloading
  bool status(std::string_view text);  // STATUS=<text>, newlines turned into spaces
  bool reloading();                    // RELOADING=1 + MONOTONIC_USEC (Type=notify-reload); send ready() after
  bool stopping();                     // STOPPING=1
  bool watchdog();                     // WATCHDOG=1

  // The WatchdogSec= systemd gave this process (WATCHDOG_USEC, for our pid), or none.
  static std::optional<std::chrono::microseconds> watchdog_interval();
  // How often to call watchdog(): half the interval, or none without a watchdog.
  static std::optional<std::chrono::microseconds> watchdog_ping_interval();

private:
  bool send(const std::string& message);
  bool m_enabled = false;
  bool m_warned = false;
};

}  // namespace nbsync::daemon
