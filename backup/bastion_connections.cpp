#include "backup/bastion_connections.hpp"

namespace nbsync::backup {
namespace {

// The device's outcome when its bastion failed: the bastion's, told from the device.
Outcome behind(const Outcome& bastion_failure, const std::string& device_label) {
  Outcome outcome = bastion_failure;
  outcome.message = device_label + ": not reached, its " + bastion_failure.message;
  return outcome;
}

// A bastion reached through another keeps that one's connection alive as long as it lives.
struct ChainedConnection {
  ChainedConnection(std::shared_ptr<BastionConnection> outer, const JumpHost& jump_host, const SessionLimits& limits,
                    HostKeyVerifier& verifier)
      : via(std::move(outer)), connection(jump_host, limits, verifier, via.get()) {}

  std::shared_ptr<BastionConnection> via;  // declared first: built before, destroyed after
  BastionConnection connection;
};

}  // namespace

struct BastionConnections::Entry {
  std::mutex mutex;  // held while opening, so the devices behind a bastion wait for one dial
  std::shared_ptr<BastionConnection> connection;
  std::optional<Outcome> failure;
  Clock::time_point failed_at{};
  int dials = 0;
};

BastionConnections::BastionConnections(SessionLimits limits, HostKeyVerifier& verifier,
                                       std::chrono::milliseconds retry_after)
    : m_limits(std::move(limits)), m_verifier(verifier), m_retry_after(retry_after) {}

BastionConnections::~BastionConnections() = default;

BastionConnections::Entry& BastionConnections::entry(const std::string& name) {
  std::lock_guard lock(m_mutex);
  auto& slot = m_entries[name];
  if (!slot) {
    slot = std::make_unique<Entry>();
  }
  return *slot;
}

int BastionConnections::dials(const std::string& name) const {
  std::lock_guard lock(m_mutex);
  const auto found = m_entries.find(name);
  if (found == m_entries.end()) {
    return 0;
  }
  std::lock_guard entry_lock(found->second->mutex);
  return found->second->dials;
}

BastionUse BastionConnections::connect(const std::shared_ptr<const JumpHost>& jump_host,
                                       const std::string& device_label) {
  std::shared_ptr<BastionConnection> via;
  if (jump_host->via) {
    BastionUse outer = connect(jump_host->via, device_label);
    if (outer.failure) {
      return outer;
    }
    via = std::move(outer.connection);
  }
  Entry& slot = entry(jump_host->name);
  std::lock_guard lock(slot.mutex);
  if (slot.connection && slot.connection->alive()) {
    return {slot.connection, std::nullopt};
  }
  if (slot.failure && Clock::now() - slot.failed_at < m_retry_after) {
    return {nullptr, behind(*slot.failure, device_label)};
  }
  return open(slot, *jump_host, std::move(via), device_label);
}

BastionUse BastionConnections::open(Entry& slot, const JumpHost& jump_host, std::shared_ptr<BastionConnection> via,
                                    const std::string& device_label) {
  ++slot.dials;
  slot.connection.reset();
  auto chained = std::make_shared<ChainedConnection>(std::move(via), jump_host, m_limits, m_verifier);
  std::shared_ptr<BastionConnection> connection(chained, &chained->connection);
  if (auto problem = connection->open()) {
    slot.failure = std::move(problem);
    slot.failed_at = Clock::now();
    return {nullptr, behind(*slot.failure, device_label)};
  }
  slot.failure.reset();
  slot.connection = connection;
  return {std::move(connection), std::nullopt};
}

}  // namespace nbsync::backup
