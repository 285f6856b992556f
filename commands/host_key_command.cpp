#include "commands/host_key_command.hpp"

#include <iostream>

#include "storage/database.hpp"
#include "storage/device_lookup.hpp"
#include "storage/host_key_store.hpp"

namespace nbsync::commands {

int accept_host_key(const Config& config, const std::string& device, const std::string& fingerprint) {
  const auto& file = config.storage.database;
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    std::cerr << "nbsync: error: " << problem << "\n";
    return 2;
  }
  if (!std::filesystem::exists(file)) {
    std::cerr << "nbsync: error: " << file.string() << " does not exist yet: run a cycle first (storage.database)\n";
    return 2;
  }
  storage::Database database(file);
  const auto matches = storage::find_devices(database, device);
  if (matches.empty()) {
    std::cerr << "nbsync: error: no device named '" << device << "' in " << file.string()
              << " (use the name NetBox shows, or its NetBox id)\n";
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
  storage::HostKeyStore keys(file);
  const auto pending = keys.pending_key(match.id);
  if (!pending) {
    std::cerr << "nbsync: error: " << match.name << " (id " << match.id
              << ") has no changed host key waiting; nothing to accept\n";
    return 2;
  }
  if (!fingerprint.empty() && fingerprint != pending->fingerprint) {
    std::cerr << "nbsync: error: " << match.name << " (id " << match.id << ") presented " << pending->type << " "
              << pending->fingerprint << ", not " << fingerprint
              << "; nothing accepted (check the device's key again, e.g. on its console)\n";
    return 2;
  }
  const auto previous = keys.trusted_key(match.id);
  // Accept exactly the key just shown: if another one became pending meanwhile, refuse.
  if (!keys.accept(match.id, pending->fingerprint)) {
    std::cerr << "nbsync: error: " << match.name << " (id " << match.id
              << ")'s pending host key changed while accepting; run the command again\n";
    return 2;
  }
  std::cout << "accepted " << pending->type << " " << pending->fingerprint << " for " << match.name << " (id "
            << match.id << ")" << (previous ? ", replacing " + previous->fingerprint : std::string()) << "\n";
  if (fingerprint.empty()) {
    std::cout << "(to accept only a key you have checked, give it: --fingerprint " << pending->fingerprint << ")\n";
  }
  return 0;
}

}  // namespace nbsync::commands
