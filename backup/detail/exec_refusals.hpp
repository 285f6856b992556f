#pragma once
// The devices that would not give their config over exec (transport exec_first): the
// request refused, or the login's privilege too low for the config command. Kept for the
// life of the process (the daemon's every cycle), so each such device costs one exec try,
// not one per backup. Only refusals are kept: a fleet whose logins may exec holds nothing.
// Thread-safe.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>

namespace nbsync::backup::detail {

class ExecRefusals {
public:
  // The one set the process's sessions share.
  static ExecRefusals& shared();

  bool refused(const std::string& address, std::uint16_t port) const;
  void remember(const std::string& address, std::uint16_t port);

private:
  mutable std::mutex m_mutex;
  std::unordered_set<std::string> m_refused;  // "address:port"
};

}  // namespace nbsync::backup::detail
