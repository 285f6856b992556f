#pragma once
// backup's HostKeyVerifier over storage: the verdict comes from what is committed
// (HostKeyStore::decide, a read that never waits for the writer), and the record of what
// was seen goes through the single writer. Trust on first use, or strict (only keys
// already accepted). Thread-safe, as workers call it concurrently.
#include "backup/host_key_verifier.hpp"
#include "storage/host_key_store.hpp"
#include "storage/storage_writer.hpp"

namespace nbsync::daemon {

class HostKeyPolicy : public backup::HostKeyVerifier {
public:
  HostKeyPolicy(storage::HostKeyStore& store, storage::StorageWriter& writer, bool strict)
      : m_store(store), m_writer(writer), m_strict(strict) {}

  HostKeyVerdict verify(const inventory::Device& device, const HostKey& key) override {
    const auto verdict = m_store.decide(device.id, key, m_strict);
    m_writer.submit_host_key(device.id, key, m_strict);
    return verdict;
  }

private:
  storage::HostKeyStore& m_store;
  storage::StorageWriter& m_writer;
  bool m_strict;
};

}  // namespace nbsync::daemon
