#include "backup/credentials.hpp"

#include <algorithm>

namespace nbsync::backup {

CredentialBook::CredentialBook(Credentials fallback, std::vector<CredentialRule> rules)
    : m_default(std::move(fallback)), m_rules(std::move(rules)) {}

const Credentials& CredentialBook::for_device(const inventory::Device& device) const {
  for (const auto& rule : m_rules) {
    const bool platform_ok = rule.platform.empty() || rule.platform == device.platform;
    const bool tag_ok =
        rule.tag.empty() || std::find(device.tags.begin(), device.tags.end(), rule.tag) != device.tags.end();
    if (platform_ok && tag_ok) {
      return rule.credentials;
    }
  }
  return m_default;
}

}  // namespace nbsync::backup
