#pragma once
// The login a device gets: a default set, overridden by the first rule whose platform
// and/or tag match the device (rules are tried in the order the config lists them).
#include <string>
#include <vector>

#include "inventory/device.hpp"
#include "types/secret.hpp"

namespace nbsync::backup {

struct Credentials {
  std::string username;
  Secret password;               // password and keyboard-interactive logins
  std::string private_key_file;  // public-key login (an unencrypted OpenSSH or PEM key)
  Secret enable_secret;          // for profiles with an enable step
};

struct CredentialRule {
  std::string platform;  // NetBox platform slug; empty matches any
  std::string tag;       // NetBox tag slug; empty matches any
  Credentials credentials;
};

class CredentialBook {
public:
  CredentialBook(Credentials fallback, std::vector<CredentialRule> rules);
  const Credentials& for_device(const inventory::Device& device) const;

private:
  Credentials m_default;
  std::vector<CredentialRule> m_rules;
};

}  // namespace nbsync::backup
