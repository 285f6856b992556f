#include "commands/host_key_command.hpp"

#include <iostream>

#include "storage/database.hpp"
#include "storage/database_location.hpp"
#include "storage/device_lookup.hpp"
#include "storage/host_key_store.hpp"

namespace nbsync::commands {
namespace {

// Trusts the key `owner` (a device id, or a jump host's) presented last; `label` names it.
int accept_pending(storage::HostKeyStore& keys, std::int64_t owner, const std::string& label,
                   const std::string& fingerprint) {
  const auto pending = keys.pending_key(owner);
  if (!pending) {
    std::cerr << "nbsync: error: " << label << " has no changed host key waiting; nothing to accept\n";
    return 2;
  }
  if (!fingerprint.empty() && fingerprint != pending->fingerprint) {
    std::cerr << "nbsync: error: " << label << " presented " << pending->type << " " << pending->fingerprint << ", not "
              << fingerprint << "; nothing accepted (check the key again, e.g. on its console)\n";
    return 2;
  }
  const auto previous = keys.trusted_key(owner);
  // Accept exactly the key just shown: if another one became pending meanwhile, refuse.
  if (!keys.accept(owner, pending->fingerprint)) {
    std::cerr << "nbsync: error: " << label << "'s pending host key changed while accepting; run the command again\n";
    return 2;
  }
  std::cout << "accepted " << pending->type << " " << pending->fingerprint << " for " << label
            << (previous ? ", replacing " + previous->fingerprint : std::string()) << "\n";
  if (fingerprint.empty()) {
    std::cout << "(to accept only a key you have checked, give it: --fingerprint " << pending->fingerprint << ")\n";
  }
  return 0;
}

}  // namespace

int accept_host_key(const Config& config, const std::string& device, const std::string& fingerprint) {
  const auto& file = config.storage.database;
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    std::cerr << "nbsync: error: " << problem << "\n";
    return 2;
  }
  const auto location = storage::database_location(file, config.storage.postgres_uri, config.storage.database_password);
  if (!storage::database_exists(location)) {
    std::cerr << "nbsync: error: " << file.string() << " does not exist yet: run a cycle first (storage.database)\n";
    return 2;
  }
  const auto database = storage::open_database(location);
  const auto matches = storage::find_devices(*database, device);
  const auto opened_keys = storage::open_host_keys(location);
  storage::HostKeyStore& keys = *opened_keys;
  if (matches.empty()) {
    // Not a device: a jump host's keys are kept under an id derived from its name.
    const std::int64_t jump_host = jump_host_key_owner(device);
    if (keys.pending_key(jump_host) || keys.trusted_key(jump_host)) {
      return accept_pending(keys, jump_host, "jump host " + device, fingerprint);
    }
    std::cerr << "nbsync: error: no device or jump host named '" << device << "' in " << file.string()
              << " (use the name NetBox shows, its NetBox id, or an [[ssh.jump_host]] name)\n";
    return 2;
  }
  if (matches.size() > 1) {
    std::string list;
    for (const auto& m : matches) {
      list += (list.empty() ? "" : ", ") + std::to_string(m.id) + " (site " + m.site + ")";
    }
    std::cerr << "nbsync: error: " << matches.size() << " devices are named '" << device << "': " << list
              << "; give the NetBox id instead\n";
    return 2;
  }
  const auto& match = matches.front();
  return accept_pending(keys, match.id, match.name + " (id " + std::to_string(match.id) + ")", fingerprint);
}

}  // namespace nbsync::commands
