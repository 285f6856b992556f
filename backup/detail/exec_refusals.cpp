#include "backup/detail/exec_refusals.hpp"

namespace nbsync::backup::detail {
namespace {

std::string key_of(const std::string& address, std::uint16_t port) {
  return address + ":" + std::to_string(port);
}

}  // namespace

ExecRefusals& ExecRefusals::shared() {
  static ExecRefusals refusals;
  return refusals;
}

bool ExecRefusals::refused(const std::string& address, std::uint16_t port) const {
  const std::lock_guard lock(m_mutex);
  return m_refused.contains(key_of(address, port));
}

void ExecRefusals::remember(const std::string& address, std::uint16_t port) {
  const std::lock_guard lock(m_mutex);
  m_refused.insert(key_of(address, port));
}

}  // namespace nbsync::backup::detail
