#pragma once
// OpenSSH's client (a judge of the lab nobody here wrote) with its own key, known_hosts and
// config in a temp directory, for tests that start the real nbsync-lab.
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::test {

inline constexpr const char* k_ssh = "/usr/bin/ssh";

// OpenSSH's client with its own key, known_hosts and config in a temp directory. ProxyJump
// runs `ssh -W` for each hop and passes it only -F (not -o options), so every option is in
// the config file.
class OpenSsh {
public:
  OpenSsh() {
    const auto key = m_dir / "id_ed25519";
    const auto made = run_process({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()},
                                  std::chrono::seconds(30));
    if (made.exit_code != 0) {
      throw std::runtime_error("ssh-keygen failed (scripts/deps installs openssh-client): " + made.err);
    }
    std::string config = "Host *\n";
    config += "  UserKnownHostsFile " + (m_dir / "known_hosts").string() + "\n";
    config += "  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking accept-new\n  BatchMode yes\n";
    config += "  IdentityFile " + key.string() + "\n  IdentitiesOnly yes\n  ConnectTimeout 2\n";
    m_config = m_dir.write("ssh_config", config).string();
    m_public_key = key.string() + ".pub";
  }

  const std::string& public_key() const { return m_public_key; }

  ProcessResult run(std::vector<std::string> args, std::chrono::seconds timeout = std::chrono::seconds(20)) const {
    args.insert(args.begin(), {k_ssh, "-F", m_config});
    return run_process(args, timeout);
  }

private:
  TempDir m_dir;
  std::string m_config;
  std::string m_public_key;
};

}  // namespace nbsync::test
