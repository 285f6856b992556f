#include "storage/storage_writer.hpp"

#include "storage/history_pruner.hpp"
#include "storage/search_index.hpp"

#include <algorithm>
#include <exception>
#include <future>
#include <span>
#include <utility>
#include <variant>

#include "storage/detail/sql_failure.hpp"

namespace nbsync::storage {

struct StorageWriter::QueuedItem {
  struct Devices {
    std::int64_t run_id = 0;
    std::vector<DeviceRecord> devices;
  };
  struct Attempt {
    std::int64_t run_id = 0;
    AttemptRecord attempt;
  };
  struct PresentedKey {
    std::int64_t device_id = 0;
    HostKey key;
    bool strict = false;
  };
  struct BeginRun {
    RunOwner owner;
    std::promise<std::int64_t> id;
  };
  struct FinishRun {
    std::int64_t run_id = 0;
    bool inventory_complete = false;
    std::string note;
    std::promise<RunSummary> summary;
  };
  struct Flush {
    std::promise<void> done;
  };

  std::variant<Devices, Attempt, PresentedKey, BeginRun, FinishRun, Flush> payload;
  std::size_t bytes = 0;  // what the item holds in memory, counted against the budget

  bool is_attempt() const { return std::holds_alternative<Attempt>(payload); }

  // Gives a caller waiting in begin_run()/finish_run()/flush() the failure instead of a result.
  void fail_waiter(const std::exception_ptr& failure) {
    try {
      if (auto* begin = std::get_if<BeginRun>(&payload)) {
        begin->id.set_exception(failure);
      } else if (auto* finish = std::get_if<FinishRun>(&payload)) {
        finish->summary.set_exception(failure);
      } else if (auto* flush = std::get_if<Flush>(&payload)) {
        flush->done.set_exception(failure);
      }
    } catch (const std::future_error&) {  // already answered before the failure
    }
  }
};

namespace {

template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::size_t bytes_of(const DeviceRecord& device) {
  return sizeof(DeviceRecord) + device.name.size() + device.site.size() + device.role.size() + device.platform.size() +
         device.tenant.size() + device.status.size() + device.address.size() + device.tags.size() * 32;
}

// Idle-time indexing: devices per step, how many new versions to remember at most (the
// pass after the run catches the rest), and how many more to wait for before trying to
// choose the common trigrams again.
constexpr std::size_t k_idle_index_devices = 32;
constexpr std::size_t k_max_to_index = 1 << 20;
constexpr std::size_t k_plan_attempt_every = 250;

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

StorageWriter::StorageWriter(Database& database, StorageWriterOptions options)
    : m_database(database), m_options(options), m_store(database, 0, m_options.full_copy_every) {
  m_options.commit_every_items = std::max<std::size_t>(m_options.commit_every_items, 1);
  m_store.set_notification_hooks(m_options.hooks);
  m_store.set_compliance_hooks(m_options.compliance);
  m_thread = std::thread(&StorageWriter::run, this);
}

StorageWriter::~StorageWriter() {
  close();
}

bool StorageWriter::enqueue(QueuedItem item) {
  std::unique_lock lock(m_mutex);
  const auto accepted_or_refused = [&] {
    return m_error || m_closing || m_queued_bytes == 0 || m_queued_bytes + item.bytes <= m_options.queue_budget_bytes;
  };
  if (!accepted_or_refused()) {
    ++m_blocked_submits;
    m_has_space.wait(lock, accepted_or_refused);
  }
  if (m_error || m_closing) {
    return false;
  }
  m_queued_bytes += item.bytes;
  m_peak_queued_bytes = std::max(m_peak_queued_bytes, m_queued_bytes);
  m_queue.push_back(std::move(item));
  lock.unlock();
  m_has_items.notify_one();
  return true;
}

bool StorageWriter::submit_devices(std::int64_t run_id, std::vector<DeviceRecord> devices) {
  std::size_t bytes = sizeof(QueuedItem);
  for (const DeviceRecord& device : devices) {
    bytes += bytes_of(device);
  }
  return enqueue(QueuedItem{QueuedItem::Devices{run_id, std::move(devices)}, bytes});
}

bool StorageWriter::submit(std::int64_t run_id, AttemptRecord attempt) {
  const std::size_t bytes = sizeof(QueuedItem) + attempt.message.size() + (attempt.config ? attempt.config->size() : 0);
  return enqueue(QueuedItem{QueuedItem::Attempt{run_id, std::move(attempt)}, bytes});
}

bool StorageWriter::submit_host_key(std::int64_t device_id, HostKey key, bool strict) {
  const std::size_t bytes = sizeof(QueuedItem) + key.public_key.size() + key.fingerprint.size() + key.type.size();
  return enqueue(QueuedItem{QueuedItem::PresentedKey{device_id, std::move(key), strict}, bytes});
}

std::optional<std::int64_t> StorageWriter::begin_run(RunOwner owner) {
  std::promise<std::int64_t> promise;
  auto result = promise.get_future();
  if (!enqueue(QueuedItem{QueuedItem::BeginRun{std::move(owner), std::move(promise)}, sizeof(QueuedItem)})) {
    return std::nullopt;
  }
  try {
    return result.get();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<RunSummary> StorageWriter::finish_run(std::int64_t run_id, bool inventory_complete, std::string note) {
  std::promise<RunSummary> promise;
  auto result = promise.get_future();
  const std::size_t bytes = sizeof(QueuedItem) + note.size();
  if (!enqueue(
          QueuedItem{QueuedItem::FinishRun{run_id, inventory_complete, std::move(note), std::move(promise)}, bytes})) {
    return std::nullopt;
  }
  try {
    return result.get();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool StorageWriter::flush() {
  std::promise<void> promise;
  auto result = promise.get_future();
  if (!enqueue(QueuedItem{QueuedItem::Flush{std::move(promise)}, sizeof(QueuedItem)})) {
    return false;
  }
  try {
    result.get();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

bool StorageWriter::close() {
  {
    const std::lock_guard lock(m_mutex);
    m_closing = true;
  }
  m_has_items.notify_all();
  m_has_space.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
  const std::lock_guard lock(m_mutex);
  return !m_error;
}

std::optional<std::string> StorageWriter::error() const {
  const std::lock_guard lock(m_mutex);
  return m_error;
}

std::size_t StorageWriter::queued_bytes() const {
  const std::lock_guard lock(m_mutex);
  return m_queued_bytes;
}

std::size_t StorageWriter::peak_queued_bytes() const {
  const std::lock_guard lock(m_mutex);
  return m_peak_queued_bytes;
}

std::size_t StorageWriter::blocked_submits() const {
  const std::lock_guard lock(m_mutex);
  return m_blocked_submits;
}

void StorageWriter::process(QueuedItem& item, std::size_t& batch_items) {
  std::visit(Overloaded{
                 [&](QueuedItem::Devices& devices) {
                   m_store.upsert_devices(devices.run_id, devices.devices);
                   ++batch_items;
                 },
                 [&](QueuedItem::Attempt& attempt) {
                   const RecordedAttempt recorded = m_store.record_attempt(attempt.run_id, attempt.attempt);
                   if (recorded.changed && !m_idle_index_failed && m_to_index.size() < k_max_to_index) {
                     m_to_index.push_back(attempt.attempt.device_id);
                   }
                   ++batch_items;
                 },
                 [&](QueuedItem::PresentedKey& presented) {
                   m_store.record_host_key(presented.device_id, presented.key, presented.strict);
                 },
                 [&](QueuedItem::BeginRun& begin) {
                   const std::int64_t id = m_store.begin_run(begin.owner);  // commits what came before
                   batch_items = 0;
                   begin.id.set_value(id);
                 },
                 [&](QueuedItem::FinishRun& finish) {
                   if (finish.inventory_complete) {
                     m_store.retire_missing(finish.run_id);
                   }
                   RunSummary summary = m_store.finish_run(finish.run_id, finish.inventory_complete, finish.note);
                   summary.pruned_versions = prune_history(m_database, m_options.retention, unix_seconds()).snapshots;
                   summary.indexed = m_indexed_while_idle;  // the rest: update_search_index() after the run
                   m_indexed_while_idle = 0;
                   m_store.commit();
                   m_to_index.clear();
                   m_idle_index_failed = false;  // the next run tries again
                   batch_items = 0;
                   finish.summary.set_value(std::move(summary));
                 },
                 [&](QueuedItem::Flush& flush) {
                   m_store.commit();
                   batch_items = 0;
                   flush.done.set_value();
                 },
             },
             item.payload);
}

bool StorageWriter::idle_index_due() const {
  return !m_idle_index_failed && !m_to_index.empty() &&
         (m_index_plan_chosen || m_to_index.size() >= m_next_plan_attempt);
}

// A few devices at a time, so that results arriving meanwhile wait little. The batch of
// attempts is committed first: the index writes take their own transaction.
void StorageWriter::index_while_idle() {
  m_store.commit();
  const std::size_t take = std::min(m_to_index.size(), k_idle_index_devices);
  const std::span<const std::int64_t> devices(m_to_index.data() + m_to_index.size() - take, take);
  IdleIndexResult result;
  try {
    result = index_devices_now(m_database, devices);
  } catch (const DatabaseError&) {
    // The index is a shortcut for search, not the backups: stop indexing for this run
    // and leave it to the pass after the run.
    m_to_index.clear();
    m_idle_index_failed = true;
    return;
  }
  if (!result.plan_chosen) {
    m_next_plan_attempt = m_to_index.size() + k_plan_attempt_every;  // too few configs yet
    return;
  }
  m_index_plan_chosen = true;
  m_indexed_while_idle += result.indexed;
  m_to_index.resize(m_to_index.size() - take);
}

void StorageWriter::run() {
  using Clock = std::chrono::steady_clock;
  std::size_t batch_items = 0;
  Clock::time_point batch_deadline = Clock::time_point::max();
  for (;;) {
    std::optional<QueuedItem> current;
    bool index_now = false;
    {
      std::unique_lock lock(m_mutex);
      const auto ready = [this] { return !m_queue.empty() || m_closing; };
      if (m_queue.empty() && !m_closing && idle_index_due()) {
        index_now = true;  // nothing to store: index instead of waiting
      } else if (batch_items == 0) {
        m_has_items.wait(lock, ready);
      } else {
        m_has_items.wait_until(lock, batch_deadline, ready);
      }
      if (!m_queue.empty()) {
        current.emplace(std::move(m_queue.front()));
        m_queue.pop_front();
        index_now = false;
      } else if (m_closing && batch_items == 0) {
        return;
      }
    }
    try {
      if (index_now) {
        index_while_idle();
        batch_items = 0;
        continue;
      }
      if (current) {
        if (batch_items == 0) {
          batch_deadline = Clock::now() + m_options.commit_interval;
        }
        process(*current, batch_items);
      }
      // Commit when the batch is full, its time is up, or nothing more is coming now that
      // the writer is closing (an empty wake-up means one of the last two).
      const bool due = batch_items >= m_options.commit_every_items ||
                       (batch_items > 0 && (!current || Clock::now() >= batch_deadline));
      if (due) {
        m_store.commit();
        batch_items = 0;
      }
    } catch (const std::exception& error) {
      fail_with(error, current);
      return;
    }
    if (current) {
      {
        const std::lock_guard lock(m_mutex);
        m_queued_bytes -= current->bytes;
      }
      m_has_space.notify_all();
    }
  }
}

void StorageWriter::fail_with(const std::exception& error, std::optional<QueuedItem>& current) {
  const DatabaseError failure = detail::sql_failure(m_database.connection(), "storing backup results", error);
  try {
    m_store.rollback();
  } catch (...) {  // the failure below already says the batch is lost
  }
  const std::exception_ptr failure_ptr = std::make_exception_ptr(failure);
  std::size_t dropped = 0;
  {
    const std::lock_guard lock(m_mutex);
    if (current) {
      current->fail_waiter(failure_ptr);
    }
    for (QueuedItem& item : m_queue) {
      dropped += item.is_attempt() ? 1 : 0;
      item.fail_waiter(failure_ptr);
    }
    m_queue.clear();
    m_queued_bytes = 0;
    std::string message = failure.what();
    message.append("; nbsync stopped storing backup results");
    if (dropped > 0) {
      message.append(" and dropped ").append(std::to_string(dropped)).append(" queued device results");
    }
    m_error = std::move(message);
  }
  m_has_space.notify_all();
}

}  // namespace nbsync::storage
