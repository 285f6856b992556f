#include "notify/outbox_sender.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <thread>

#include "http/http_client.hpp"
#include "notify/backup_now_report.hpp"
#include "notify/delivery_verdict.hpp"
#include "storage/outbox.hpp"
#include "types/backoff.hpp"

namespace nbsync::notify {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string reason(const http::HttpResponse& response) {
  if (response.status == 0) {
    return response.error;
  }
  const json body = json::parse(response.body, nullptr, false);
  std::string text = body.is_discarded() ? response.body.substr(0, 200) : body.dump().substr(0, 300);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return "HTTP " + std::to_string(response.status) + ": " + text;
}

std::vector<std::int64_t> ids_of(const std::vector<storage::OutboxEntry>& rows) {
  std::vector<std::int64_t> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) {
    ids.push_back(r.id);
  }
  return ids;
}

class Delivery {
public:
  Delivery(storage::Outbox& outbox, const OutboxSenderOptions& options, DrainReport& report)
      : m_outbox(outbox), m_options(options), m_report(report), m_http(http_options(options)) {}

  enum class Batch { sent, failed, nothing_due };

  // Sends the first due rows of `channel`, each request within `timeout`. NetBox rows are
  // grouped by kind (triggers cleared one by one, device fields in one bulk PATCH, journal
  // entries in one POST), each kind keeping its order; when NetBox does not answer one kind,
  // the next waits. Triggers go first: a status write must never reach NetBox while the
  // "back up now" trigger it would carry is still set (the event rule would fire again).
  Batch send_batch(const std::string& channel, bool honour_backoff, milliseconds timeout) {
    m_timeout = std::min(timeout, m_options.timeout);
    if (channel != "netbox") {
      const auto rows = m_outbox.due(channel, unix_now(), 1, honour_backoff);
      if (rows.empty()) {
        return Batch::nothing_due;
      }
      return send_slack(channel.substr(6), rows.front()) ? Batch::sent : Batch::failed;
    }
    const auto rows = m_outbox.due(channel, unix_now(), 2 * m_options.bulk_size, honour_backoff);
    if (rows.empty()) {
      return Batch::nothing_due;
    }
    std::vector<storage::OutboxEntry> triggers, fields, journal;
    for (const auto& row : rows) {
      auto& list = row.kind == "journal" ? journal : row.kind == k_clear_trigger_kind ? triggers : fields;
      if (list.size() < m_options.bulk_size) {
        list.push_back(row);
      }
    }
    for (const auto& row : triggers) {
      if (!clear_trigger(row)) {
        return Batch::failed;
      }
    }
    if (!fields.empty() && !send_device_fields(fields)) {
      return Batch::failed;
    }
    if (!journal.empty() && !send_journal(journal)) {
      return Batch::failed;
    }
    return Batch::sent;
  }

private:
  static http::HttpClientOptions http_options(const OutboxSenderOptions& options) {
    auto out = inventory::netbox_client_options(options.netbox, options.timeout);
    out.total_timeout = options.timeout;  // Slack's too
    out.connect_timeout = std::min(options.timeout, milliseconds(5000));
    return out;
  }

  // A send that may have arrived is looked up no sooner than this: by then a NetBox that
  // was still working on it has finished (a request outlives our timeout at most by its own).
  std::int64_t settled_at() const {
    return unix_now() + 1 + std::chrono::duration_cast<std::chrono::seconds>(m_options.timeout).count();
  }

  http::HttpResponse netbox(const std::string& method, const std::string& path, const std::string& body) {
    ++m_report.requests;
    auto request = inventory::netbox_request(m_options.netbox, method, path, body);
    request.timeout = m_timeout;
    return m_http.send(request);
  }

  // Applies the verdict to `rows`; true when they are done (delivered or refused).
  bool settle(const std::vector<storage::OutboxEntry>& rows, const http::HttpResponse& response,
              const std::string& what, RequestResults& results) {
    switch (verdict_for_status(response.status)) {
      case DeliveryVerdict::delivered:
        ++results.ok;
        m_outbox.remove(ids_of(rows));
        m_report.delivered += static_cast<std::int64_t>(rows.size());
        return true;
      case DeliveryVerdict::drop:
        ++results.dropped;
        refuse(rows, response, what);
        return true;
      case DeliveryVerdict::retry_later:
        ++results.retry;
        defer(rows, response, what);
        return false;
    }
    return false;
  }

  // Device fields are state: the next cycle compares NetBox with the database again and
  // writes what still differs, so a refused row goes. Messages are kept, refused, visible.
  void refuse(const std::vector<storage::OutboxEntry>& rows, const http::HttpResponse& response,
              const std::string& what) {
    if (rows.front().kind == "device_fields" || rows.front().kind == k_clear_trigger_kind) {
      spdlog::error("notify: {} refused: {}; the next cycle writes what NetBox still lacks", what, reason(response));
      m_outbox.remove(ids_of(rows));
      m_report.refused_fields += static_cast<std::int64_t>(rows.size());
      return;
    }
    spdlog::error("notify: {} refused for good: {}; {} message(s) kept (nbsync status shows them)", what,
                  reason(response), rows.size());
    m_outbox.refuse(ids_of(rows), unix_now(), reason(response));
    m_report.refused += static_cast<std::int64_t>(rows.size());
  }

  void defer(const std::vector<storage::OutboxEntry>& rows, const http::HttpResponse& response,
             const std::string& what) {
    auto wait = std::chrono::duration_cast<std::chrono::seconds>(
        full_jitter_backoff(rows.front().attempts, std::chrono::duration_cast<milliseconds>(m_options.backoff_base),
                            std::chrono::duration_cast<milliseconds>(m_options.backoff_cap)));
    std::int64_t not_before = 0;
    if (auto after = response.retry_after()) {
      wait = std::max(wait, *after);
      not_before = unix_now() + after->count();
    }
    const bool ambiguous = response.status == 0 || response.status >= 500;  // it may have been applied
    if (ambiguous && rows.front().kind == "journal") {
      not_before = std::max(not_before, settled_at());
    }
    const std::int64_t retry_in = std::max<std::int64_t>(1, wait.count());
    m_outbox.defer(ids_of(rows), unix_now() + retry_in, not_before, reason(response), ambiguous);
    spdlog::warn("notify: {} not delivered ({}); {} message(s) kept, retry in {} s", what, reason(response),
                 rows.size(), retry_in);
  }

  // Clears a "back up now" trigger: the field unticked, or the tag removed (the device's
  // tags read now, so a tag a user added meanwhile stays). True when done.
  bool clear_trigger(const storage::OutboxEntry& row) {
    const auto clear = trigger_to_clear(row);
    if (!clear) {
      spdlog::error("notify: a trigger-clearing row of the outbox is not readable; dropped");
      m_outbox.remove({row.id});
      return true;
    }
    // NetBox answers the GET and the PATCH with the device; without its config context it
    // computes none.
    const std::string path = "/api/dcim/devices/" + std::to_string(clear->device_id) + "/?exclude=config_context";
    const std::string what = "clearing the back up now " + std::string(to_string(clear->trigger)) + " of device " +
                             std::to_string(clear->device_id);
    json patch = {{"custom_fields", {{k_backup_now_field, false}}}};
    if (clear->trigger == BackupNowTrigger::tag) {
      const auto read = netbox("GET", path, "");
      const json device = json::parse(read.body, nullptr, false);
      if (!read.ok() || !device.is_object()) {
        return settle({row}, read, what, m_report.netbox);  // gone (404): nothing to clear
      }
      json tags = json::array();
      for (const auto& tag : device.value("tags", json::array())) {
        if (tag.is_object() && tag.value("slug", "") != k_backup_now_tag) {
          tags.push_back({{"name", tag.value("name", "")}, {"slug", tag.value("slug", "")}});
        }
      }
      patch = {{"tags", tags}};
    }
    return settle({row}, netbox("PATCH", path, patch.dump()), what, m_report.netbox);
  }

  bool send_device_fields(const std::vector<storage::OutboxEntry>& rows) {
    // The latest row of a device wins: NetBox merges custom fields, so earlier ones are moot.
    std::map<std::int64_t, json> latest;
    for (const auto& row : rows) {
      latest[row.device_id.value_or(0)] = json::parse(row.payload);
    }
    json body = json::array();
    for (auto& [id, item] : latest) {
      body.push_back(std::move(item));
    }
    // NetBox answers with the devices it updated; without their config contexts it spares
    // computing one per device (and the bytes).
    const auto response = netbox("PATCH", "/api/dcim/devices/?exclude=config_context", body.dump());
    if (response.status == 400 && rows.size() > 1) {
      // One bad item fails the whole bulk request: find it by sending them one by one.
      bool all = true;
      for (const auto& row : rows) {
        all = send_device_fields({row}) && all;
      }
      return all;
    }
    return settle(rows, response, "NetBox device fields (" + std::to_string(rows.size()) + " devices)",
                  m_report.netbox);
  }

  bool send_journal(std::vector<storage::OutboxEntry> rows) {
    // An entry whose earlier send may have arrived is looked for first.
    std::vector<storage::OutboxEntry> to_send;
    for (auto& row : rows) {
      const auto found = row.ambiguous ? already_in_netbox(row) : std::optional<bool>(false);
      if (!found) {
        return false;  // NetBox cannot say: ask again later, send nothing now
      }
      if (*found) {
        m_outbox.remove({row.id});
        ++m_report.delivered;
        ++m_report.found_already;
      } else {
        to_send.push_back(std::move(row));
      }
    }
    if (to_send.empty()) {
      return true;
    }
    json body = json::array();
    for (const auto& row : to_send) {
      body.push_back(json::parse(row.payload));
    }
    m_outbox.mark_sending(ids_of(to_send), unix_now(), settled_at());
    const auto response = netbox("POST", "/api/extras/journal-entries/", body.dump());
    if (response.status == 400 && to_send.size() > 1) {
      m_outbox.defer(ids_of(to_send), 0, 0, reason(response), false);  // not applied: a 400 writes nothing
      bool all = true;
      for (const auto& row : to_send) {
        all = send_journal({row}) && all;
      }
      return all;
    }
    return settle(to_send, response, "NetBox journal entries (" + std::to_string(to_send.size()) + ")",
                  m_report.netbox);
  }

  // Whether NetBox holds the entry (its comments carry the row's `nbsync ref`); nullopt
  // when NetBox did not answer the look-up.
  std::optional<bool> already_in_netbox(const storage::OutboxEntry& row) {
    const auto response = netbox("GET",
                                 "/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=" +
                                     std::to_string(row.device_id.value_or(0)) + "&limit=1000",
                                 "");
    const json page = json::parse(response.body, nullptr, false);
    if (!response.ok() || !page.is_object() || !page.contains("results") || !page["results"].is_array()) {
      defer({row}, response, "NetBox journal look-up");
      return std::nullopt;
    }
    for (const auto& entry : page["results"]) {
      if (entry.is_object() && entry.value("comments", "").find(row.dedupe_key) != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  bool send_slack(const std::string& name, const storage::OutboxEntry& row) {
    const auto hook = m_options.slack_webhooks.find(name);
    if (hook == m_options.slack_webhooks.end()) {
      spdlog::error("notify: Slack webhook '{}' is no longer configured; its message is kept (nbsync status)", name);
      m_outbox.refuse({row.id}, unix_now(), "webhook '" + name + "' is not configured");
      ++m_report.refused;
      return true;
    }
    ++m_report.requests;
    // The webhook URL is a secret: messages name the webhook, never its URL.
    const auto response = m_http.send({.method = "POST",
                                       .url = hook->second.reveal(),
                                       .headers = {{"Content-Type", "application/json"}},
                                       .body = row.payload,
                                       .name = "Slack webhook '" + name + "'",
                                       .timeout = m_timeout});
    return settle({row}, response, "Slack webhook '" + name + "'", m_report.slack);
  }

  storage::Outbox& m_outbox;
  const OutboxSenderOptions& m_options;
  DrainReport& m_report;
  http::HttpClient m_http;
  milliseconds m_timeout{0};
};

}  // namespace

OutboxSender::OutboxSender(storage::DatabaseLocation database, OutboxSenderOptions options)
    : m_database(std::move(database)), m_options(std::move(options)) {}

DrainReport OutboxSender::drain(std::chrono::steady_clock::time_point deadline) {
  DrainReport report;
  const auto opened = storage::open_outbox(m_database);
  storage::Outbox& outbox = *opened;
  if (const auto merged = outbox.enforce_cap(m_options.max_rows, unix_now()); merged > 0) {
    spdlog::warn("notify: the outbox passed {} rows; merged {} old Slack messages", m_options.max_rows, merged);
  }
  Delivery delivery(outbox, m_options, report);
  // A fresh start sends at once, waiting only for a peer's Retry-After: the peer may have
  // recovered while nbsync was not running. Once a channel fails here, backoff rules it.
  std::set<std::string> failed;
  const auto stopping = [&] { return m_options.stop.stop_requested(); };
  while (std::chrono::steady_clock::now() < deadline && !stopping()) {
    // One batch per channel per round, each with its share of the time left, so a slow
    // NetBox cannot use up the window before Slack has had its turn (and the reverse).
    const auto channels = outbox.due_channels(unix_now(), false);
    bool progressed = false;
    for (std::size_t i = 0; i < channels.size() && !stopping(); ++i) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= milliseconds(0)) {
        break;
      }
      const auto share = std::max(milliseconds(1000), left / static_cast<long>(channels.size() - i));
      const auto result = delivery.send_batch(channels[i], failed.count(channels[i]) > 0, share);
      if (result == Delivery::Batch::sent) {
        progressed = true;
      } else if (result == Delivery::Batch::failed) {
        failed.insert(channels[i]);
      }
    }
    if (progressed) {
      continue;
    }
    if (!due_before(outbox, failed, deadline)) {
      break;
    }
    std::this_thread::sleep_for(milliseconds(200));
  }
  report.left = outbox.depth();
  return report;
}

bool OutboxSender::due_before(storage::Outbox& outbox, const std::set<std::string>& failed,
                              std::chrono::steady_clock::time_point deadline) {
  const auto seconds_left =
      std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now()).count();
  const std::int64_t last = unix_now() + seconds_left;
  for (const auto& [channel, due] : outbox.due_times()) {
    if ((failed.count(channel) > 0 ? due.with_backoff : due.fresh) <= last) {
      return true;
    }
  }
  return false;
}

}  // namespace nbsync::notify
