#include "daemon/drift_check.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <span>

#include "backup/config_normalizer.hpp"
#include "compliance/config_drift.hpp"
#include "daemon/cycle_settings.hpp"
#include "daemon/drift_renders.hpp"
#include "daemon/template_owners.hpp"
#include "notify/drift_report.hpp"
#include "storage/drift_store.hpp"

namespace nbsync::daemon {
namespace {

using nlohmann::json;

constexpr std::size_t k_lines_kept = 500;  // per version: enough to read, bounded for huge drifts

json lines_json(const compliance::ConfigDrift& drift) {
  json lines = json::array();
  for (const auto* group : {&drift.missing, &drift.extra}) {
    for (const auto& line : *group) {
      if (lines.size() >= k_lines_kept) {
        return lines;
      }
      lines.push_back(
          {{"kind", group == &drift.missing ? "missing" : "extra"}, {"section", line.section}, {"line", line.line}});
    }
  }
  return lines;
}

storage::DriftVerdict verdict_of(const DriftDevice& device, const std::string& rendered, const std::string& running,
                                 bool mask_secrets, std::shared_ptr<const backup::MaskKey> mask_key) {
  const backup::NormalizedConfig intended =
      backup::ConfigNormalizer(device.profile, mask_secrets, std::move(mask_key)).normalize(rendered);
  const compliance::ConfigDrift drift = compliance::compare_to_intended(intended.text, running);
  storage::DriftVerdict verdict;
  verdict.status = drift.differing() == 0 ? "in_sync" : "differs";
  verdict.missing = static_cast<std::int64_t>(drift.missing.size());
  verdict.extra = static_cast<std::int64_t>(drift.extra.size());
  verdict.lines = lines_json(drift).dump();
  return verdict;
}

// Counts what the check did, for the log and the cycle summary.
struct DriftTally {
  int rendered = 0, in_sync = 0, differs = 0, no_template = 0, fresh = 0, failed = 0;
  bool forbidden = false;
  std::string first_failure;
  double render_seconds = 0;

  json to_json() const {
    return {{"render_requests", rendered},
            {"in_sync", in_sync},
            {"differs", differs},
            {"no_template", no_template},
            {"fresh", fresh},
            {"failed", failed},
            {"render_forbidden", forbidden},
            {"render_seconds", render_seconds}};
  }
};

// The check in batches: each device's newest version is looked at, those that need NetBox's
// render are rendered a few at a time (DriftRenders), then their verdicts are stored in order
// by this thread, the only one that writes, a batch per transaction. A batch bounds what is
// held at once (the rendered texts of k_batch devices; a stored text is read when its render
// is compared).
class DriftCheck {
public:
  static constexpr std::size_t k_batch = 32;

  DriftCheck(const Config& config, storage::Database& database, std::int64_t run_id,
             std::shared_ptr<const backup::MaskKey> mask_key)
      : m_config(config),
        m_mask_key(std::move(mask_key)),
        m_store(database),
        m_renders(cycle_netbox_options(config).netbox),
        m_owners(config),
        m_run_id(run_id),
        m_now(static_cast<std::int64_t>(std::time(nullptr))),
        m_recheck_seconds(config.netbox.drift_recheck.count()) {}

  // Looks at a few devices, their newest versions read in one query.
  void check(std::span<const DriftDevice> devices) {
    std::vector<std::int64_t> ids;
    for (const DriftDevice& device : devices) {
      ids.push_back(device.id);
    }
    std::vector<std::optional<storage::DriftCandidate>> candidates = m_store.candidates(ids);
    for (std::size_t i = 0; i < devices.size(); ++i) {
      if (candidates[i]) {  // none: never backed up
        check(devices[i], std::move(*candidates[i]));
      }
    }
  }

  // Renders and stores what is still waiting in the batch.
  void finish() {
    render_batch();
    store_records();
  }

  // Stores the verdicts waiting, in one transaction (one commit per batch, not per device).
  void store_records() {
    m_store.record(m_records, m_now);
    m_records.clear();
  }

  const DriftTally& tally() const { return m_tally; }

private:
  // Looks at one device; one that needs a render waits in the batch, rendered when it fills.
  void check(const DriftDevice& device, storage::DriftCandidate candidate) {
    const bool fresh = candidate.checked_at && m_now - *candidate.checked_at < m_recheck_seconds;
    const std::optional<bool> templated = m_owners.has_template(device);
    if (!templated) {
      return;  // NetBox could not say (logged once)
    }
    if (!*templated) {
      if (!candidate.checked_at || candidate.device_drift != "no template") {
        record(device, candidate, storage::DriftVerdict{"no_template", 0, 0, "[]"});
      }
      return;
    }
    if (fresh) {
      ++m_tally.fresh;
      return;
    }
    if (m_tally.forbidden) {
      return;
    }
    m_batch.push_back({&device, std::move(candidate)});
    if (m_batch.size() >= k_batch) {
      render_batch();
    }
  }

  struct Waiting {
    const DriftDevice* device;
    storage::DriftCandidate candidate;
  };

  void render_batch() {
    if (m_batch.empty()) {
      return;
    }
    std::vector<std::int64_t> ids;
    for (const auto& waiting : m_batch) {
      ids.push_back(waiting.device->id);
    }
    const auto started = std::chrono::steady_clock::now();
    const auto answers = m_renders.render(ids);
    m_tally.render_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (std::size_t i = 0; i < m_batch.size() && !m_tally.forbidden; ++i) {
      take_answer(*m_batch[i].device, m_batch[i].candidate, answers[i]);
    }
    m_batch.clear();
    store_records();
  }

  void take_answer(const DriftDevice& device, const storage::DriftCandidate& candidate,
                   const inventory::RenderAnswer& answer) {
    ++m_tally.rendered;
    switch (answer.status) {
      case inventory::RenderStatus::forbidden:
        m_tally.forbidden = true;
        spdlog::warn(
            "drift: NetBox refused to render intended configs ({}); give nbsync's token write access and the "
            "render_config permission on dcim.device (NetBox 4.3+; change_device before). No drift was checked "
            "this cycle",
            answer.reason);
        return;
      case inventory::RenderStatus::failed:
        if (m_tally.failed++ == 0) {
          m_tally.first_failure = device.name + ": " + answer.reason;
        }
        return;
      case inventory::RenderStatus::no_template:
        record(device, candidate, storage::DriftVerdict{"no_template", 0, 0, "[]"});
        return;
      case inventory::RenderStatus::rendered:
        record(device, candidate,
               verdict_of(device, answer.content, m_store.text(candidate), m_config.storage.mask_secrets, m_mask_key));
        return;
    }
  }

  void record(const DriftDevice& device, const storage::DriftCandidate& candidate,
              const storage::DriftVerdict& verdict) {
    (verdict.status == "in_sync"   ? m_tally.in_sync
     : verdict.status == "differs" ? m_tally.differs
                                   : m_tally.no_template)++;
    m_records.push_back({device.id, candidate.snapshot_id, verdict, notify::drift_field_value(verdict),
                         notify::drift_rows(device.id, m_run_id, candidate.device_drift, verdict)});
    if (m_records.size() >= k_batch) {
      store_records();
    }
  }

  const Config& m_config;
  std::shared_ptr<const backup::MaskKey> m_mask_key;
  storage::DriftStore m_store;
  DriftRenders m_renders;
  TemplateOwners m_owners;
  std::int64_t m_run_id;
  std::int64_t m_now;
  std::int64_t m_recheck_seconds;  // checked_at is in seconds
  std::vector<Waiting> m_batch;
  std::vector<storage::DriftRecord> m_records;  // verdicts not stored yet
  DriftTally m_tally;
};

}  // namespace

nlohmann::json check_drift(const Config& config, storage::Database& database, std::int64_t run_id,
                           const std::vector<DriftDevice>& devices, std::shared_ptr<const backup::MaskKey> mask_key,
                           std::stop_token stop) {
  if (!config.netbox.drift) {
    return {{"off", true}};  // netbox.drift = false
  }
  DriftCheck check(config, database, run_id, std::move(mask_key));
  for (std::size_t start = 0; start < devices.size() && !stop.stop_requested(); start += DriftCheck::k_batch) {
    check.check(std::span(devices).subspan(start, std::min(DriftCheck::k_batch, devices.size() - start)));
  }
  if (!stop.stop_requested()) {
    check.finish();
  }
  check.store_records();  // those decided before a stop too
  const auto& tally = check.tally();
  if (tally.rendered > 0 || tally.differs > 0) {
    spdlog::info(
        "drift: {} intended config(s) rendered by NetBox in {:.1f} s: {} in sync, {} differ, {} without template",
        tally.rendered, tally.render_seconds, tally.in_sync, tally.differs, tally.no_template);
  }
  if (tally.failed > 0) {
    spdlog::warn("drift: {} render request(s) failed, retried next cycle; first: {}", tally.failed,
                 tally.first_failure);
  }
  return tally.to_json();
}

}  // namespace nbsync::daemon
