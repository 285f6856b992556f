#pragma once
// The pool's connections to jump hosts: one per bastion, opened when the first device
// behind it needs it and shared by every session through it (a chain opens its outer
// bastion first and tunnels through it). A connection that dropped is opened again by the
// next device that needs it. One that failed is not dialed again for `retry_after`: every
// device behind it meanwhile gets the same outcome, naming the bastion, so a dead bastion
// is not dialed once per device. Thread-safe; one bastion's opening does not hold up
// another's.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "backup/bastion_connection.hpp"
#include "backup/device_session.hpp"
#include "backup/host_key_verifier.hpp"
#include "backup/jump_host.hpp"
#include "backup/outcome.hpp"

namespace nbsync::backup {

// A connection a device session may tunnel through (keep it while the session runs), or
// the outcome of the device behind a bastion that failed.
struct BastionUse {
  std::shared_ptr<BastionConnection> connection;
  std::optional<Outcome> failure;
};

class BastionConnections {
public:
  using Clock = std::chrono::steady_clock;

  BastionConnections(SessionLimits limits, HostKeyVerifier& verifier, std::chrono::milliseconds retry_after);
  ~BastionConnections();
  BastionConnections(const BastionConnections&) = delete;
  BastionConnections& operator=(const BastionConnections&) = delete;

  BastionUse connect(const std::shared_ptr<const JumpHost>& jump_host, const std::string& device_label);
  // How many times each bastion was dialed (opened or failed to open), for tests and logs.
  int dials(const std::string& name) const;

private:
  struct Entry;
  Entry& entry(const std::string& name);
  BastionUse open(Entry& entry, const JumpHost& jump_host, std::shared_ptr<BastionConnection> via,
                  const std::string& device_label);

  SessionLimits m_limits;
  HostKeyVerifier& m_verifier;
  std::chrono::milliseconds m_retry_after;
  mutable std::mutex m_mutex;  // guards the map only; each entry has its own
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> m_entries;
};

}  // namespace nbsync::backup
