#pragma once
// What the config says each module of a cycle should do: the platform profiles, the
// credentials, the NetBox walk, the worker pool, the storage writer (with the notifier's
// and compliance's hooks) and the outbox sender. Built fresh for every cycle, so a reload
// applies to the next one. Throws CycleError for a broken profile.
#include <stop_token>

#include "backup/backup_pool.hpp"
#include "backup/credentials.hpp"
#include "backup/platform_profile.hpp"
#include "config/config.hpp"
#include "inventory/netbox_client.hpp"
#include "notify/outbox_sender.hpp"
#include "storage/database_location.hpp"
#include "storage/storage_writer.hpp"

namespace nbsync::daemon {

backup::ProfileRegistry cycle_profiles(const Config& config);
backup::CredentialBook cycle_credentials(const Config& config);
inventory::NetboxOptions cycle_netbox_options(const Config& config);
inventory::DeviceQuery cycle_device_query(const Config& config);
// The regions [[ssh.limit]] and [[ssh.jump_host]] scopes name, each with its sites as
// NetBox lists them (one walk of /api/dcim/sites/ per region). Throws CycleError when
// NetBox cannot say: a limit that cannot be applied must not be ignored.
inventory::RegionSites cycle_region_sites(const Config& config, const inventory::NetboxOptions& netbox);
// ssh.workers fitted into the file descriptors nbsync may open; scopes naming a region
// take its sites from `regions` (cycle_region_sites).
backup::PoolOptions cycle_pool_options(const Config& config, const inventory::RegionSites& regions = {});
// The rules file is read here, once a cycle: a broken one pauses the checks, not the backups.
storage::StorageWriterOptions cycle_writer_options(const Config& config);
notify::OutboxSenderOptions cycle_outbox_options(const Config& config, std::stop_token stop);
// storage.database: the SQLite file or PostgreSQL.
storage::DatabaseLocation cycle_database(const Config& config);

}  // namespace nbsync::daemon
