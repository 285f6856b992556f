#include "daemon/drift_check.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

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

// The check in batches: each device's stored version is looked at, those that need NetBox's
// render are rendered a few at a time (DriftRenders), then their verdicts are stored in order
// by this thread, the only one that writes. A batch bounds what is held at once (the
// stored and the rendered text of k_batch devices).
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

  // Looks at one device; one that needs a render waits in the batch, rendered when it fills.
  void check(const DriftDevice& device) {
    auto candidate = m_store.candidate(device.id);
    if (!candidate) {
      return;  // never backed up
    }
    const bool fresh = candidate->checked_at && m_now - *candidate->checked_at < m_recheck_seconds;
    const std::optional<bool> templated = m_owners.has_template(device);
    if (!templated) {
      return;  // NetBox could not say (logged once)
    }
    if (!*templated) {
      if (!candidate->checked_at || candidate->device_drift != "no template") {
        record(device, *candidate, storage::DriftVerdict{"no_template", 0, 0, "[]"});
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
    m_batch.push_back({&device, std::move(*candidate)});
    if (m_batch.size() >= k_batch) {
      render_batch();
    }
  }

  // Renders and stores what is still waiting in the batch.
  void finish() { render_batch(); }

  const DriftTally& tally() const { return m_tally; }

private:
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
               verdict_of(device, answer.content, candidate.text, m_config.storage.mask_secrets, m_mask_key));
        return;
    }
  }

  void record(const DriftDevice& device, const storage::DriftCandidate& candidate,
              const storage::DriftVerdict& verdict) {
    (verdict.status == "in_sync"   ? m_tally.in_sync
     : verdict.status == "differs" ? m_tally.differs
                                   : m_tally.no_template)++;
    m_store.record(device.id, candidate.snapshot_id, verdict, m_now, notify::drift_field_value(verdict),
                   notify::drift_rows(device.id, m_run_id, candidate.device_drift, verdict));
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
  for (const auto& device : devices) {
    if (stop.stop_requested()) {
      break;
    }
    check.check(device);
  }
  if (!stop.stop_requested()) {
    check.finish();
  }
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
