#include "storage/detail/run_digest.hpp"

#include <string_view>

namespace nbsync::storage::detail {
namespace {

void add_example(RunDigest::Group& group, std::int64_t id, std::string name, std::string detail) {
  ++group.count;
  if (group.examples.size() < RunDigest::k_examples) {
    group.examples.emplace_back(id, std::move(name));
    group.details.push_back(std::move(detail));
  }
}

// A device's failure detail ("connect: sw1 (...): not reached, its bastion jump-1 (...): ...")
// told as the bastion's: "connect: bastion jump-1 (...): ...".
std::string bastion_detail(const std::string& device_detail) {
  constexpr std::string_view k_behind = "not reached, its ";
  const auto kind_end = device_detail.find(": ");
  const auto behind = device_detail.find(k_behind);
  if (kind_end == std::string::npos || behind == std::string::npos) {
    return device_detail;
  }
  return device_detail.substr(0, kind_end + 2) + device_detail.substr(behind + k_behind.size());
}

void add_behind_jump_host(RunDigest& digest, const std::string& jump_host, const std::string& detail) {
  for (auto& failure : digest.failing_jump_hosts) {
    if (failure.name == jump_host) {
      ++failure.devices;
      return;
    }
  }
  digest.failing_jump_hosts.push_back({jump_host, 1, bastion_detail(detail)});
}

}  // namespace

AttemptEvent attempt_event(const StateChange& change) {
  const DeviceState previous = change.before.value_or(DeviceState{});
  const DeviceState& after = change.after;
  AttemptEvent event;
  event.config_change = change.config_changed && !previous.config_sha256.empty();
  const bool was_failing = change.before && is_failure(previous.status);
  if (is_failure(after.status) && !was_failing) {
    event.transition = "failing";
    event.detail = std::string(to_string(after.status)) + ": " + after.message;
  } else if (after.status == OutcomeKind::ok && was_failing) {
    event.transition = "recovered";
    event.detail = std::string(to_string(previous.status));
  }
  return event;
}

namespace {

// Attempts that mean something for the message: config changes and transitions, of the
// runs `runs` selects (?1 a run; or ?1, ?2 a zone's cycle).
std::string events_sql(const std::string& runs) {
  return R"sql(
  SELECT a.config_change, a.event, a.device_id, coalesce(d.name, ''), a.event_detail,
         coalesce(s.lines_added, 0), coalesce(s.lines_removed, 0), a.jump_host
    FROM attempts a
    LEFT JOIN devices d ON d.id = a.device_id
    LEFT JOIN snapshots s ON s.id = a.snapshot_id
   WHERE )sql" +
         runs + " AND (a.event <> '' OR a.config_change = 1) ORDER BY a.id";
}

std::string still_failing_sql(const std::string& runs) {
  return "SELECT count(*) FROM attempts a WHERE " + runs + " AND a.event = '' AND a.outcome NOT IN ('ok', 'skipped')";
}

const std::string k_one_run = "a.run_id = ?1";
const std::string k_zone_cycle_runs = "a.run_id IN (SELECT id FROM runs WHERE zone = ?1 AND zone_cycle = ?2)";

RunDigest read_digest(SqlConnection& sql, const std::string& runs, const SqlParams& params) {
  RunDigest digest;
  const std::unique_ptr<SqlRows> events = sql.query(events_sql(runs), params);
  while (events->next()) {
    const std::int64_t id = events->integer(2);
    const std::string name = events->text(3);
    if (events->integer(0) != 0) {
      std::string lines = "+";
      lines.append(std::to_string(events->integer(5))).append("/-").append(std::to_string(events->integer(6)));
      add_example(digest.changed, id, name, std::move(lines));
    }
    const std::string transition = events->text(1);
    const std::string jump_host = events->text(7);
    if (transition == "failing" && !jump_host.empty()) {
      add_behind_jump_host(digest, jump_host, events->text(4));
    } else if (transition == "failing") {
      add_example(digest.started_failing, id, name, events->text(4));
    } else if (transition == "recovered") {
      add_example(digest.recovered, id, name, "after " + events->text(4));
    }
  }
  digest.still_failing = query_integer(sql, still_failing_sql(runs), params);
  return digest;
}

}  // namespace

RunDigest read_run_digest(SqlConnection& sql, std::int64_t run_id) {
  RunDigest digest = read_digest(sql, k_one_run, SqlParams().add(run_id));
  digest.run_id = run_id;
  return digest;
}

RunDigest read_zone_cycle_digest(SqlConnection& sql, const std::string& zone, std::int64_t cycle) {
  RunDigest digest = read_digest(sql, k_zone_cycle_runs, SqlParams().add(zone).add(cycle));
  digest.zone = zone;
  digest.zone_cycle = cycle;
  return digest;
}

}  // namespace nbsync::storage::detail
