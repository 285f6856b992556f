#include "notify/slack_summary.hpp"

#include <nlohmann/json.hpp>

#include "types/device_label.hpp"

namespace nbsync::notify {
namespace {

// Slack's mrkdwn needs &, < and > escaped in text it should show as is.
std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

void add_group(std::string& text, const char* title, const storage::RunDigest::Group& group,
               const std::string& netbox_url) {
  if (group.count == 0) {
    return;
  }
  text.append("\n*").append(title).append("*\n");
  for (std::size_t i = 0; i < group.examples.size(); ++i) {
    const auto& [id, name] = group.examples[i];
    text.append("• <").append(netbox_url).append("/dcim/devices/").append(std::to_string(id)).append("/|");
    text.append(escape(device_label(name, id))).append(">");
    if (i < group.details.size() && !group.details[i].empty()) {
      text.append(" ").append(escape(group.details[i].substr(0, 200)));
    }
    text.append("\n");
  }
  if (group.count > static_cast<std::int64_t>(group.examples.size())) {
    text.append("and ")
        .append(std::to_string(group.count - static_cast<std::int64_t>(group.examples.size())))
        .append(" more\n");
  }
}

// One line per failing jump host, however many devices sit behind it.
void add_jump_hosts(std::string& text, const std::vector<storage::RunDigest::JumpHostFailure>& failures) {
  if (failures.empty()) {
    return;
  }
  text.append("\n*Jump hosts failing*\n");
  for (const auto& failure : failures) {
    text.append("• ").append(escape(failure.name)).append(": ").append(std::to_string(failure.devices));
    text.append(" device(s) behind it not reached: ").append(escape(failure.detail.substr(0, 200))).append("\n");
  }
}

std::int64_t behind_failing_jump_hosts(const storage::RunDigest& digest) {
  std::int64_t devices = 0;
  for (const auto& failure : digest.failing_jump_hosts) {
    devices += failure.devices;
  }
  return devices;
}

// "run 42", or with collectors "zone dc-east cycle 7 (3 collectors)": one message per cycle
// of the zone, whichever collectors shared it.
std::string what_ran(const storage::RunDigest& digest) {
  if (!digest.zone_cycle) {
    return "run " + std::to_string(digest.run_id);
  }
  return "zone " + digest.zone + " cycle " + std::to_string(*digest.zone_cycle) + " (" +
         std::to_string(digest.collectors) + (digest.collectors == 1 ? " collector)" : " collectors)");
}

std::string dedupe_key(const storage::RunDigest& digest) {
  if (!digest.zone_cycle) {
    return "nbsync-r" + std::to_string(digest.run_id);
  }
  return "nbsync-z" + digest.zone + "-c" + std::to_string(*digest.zone_cycle);
}

}  // namespace

std::vector<storage::OutboxRow> slack_summary_rows(const storage::RunDigest& digest, const std::string& netbox_url,
                                                   const std::vector<std::string>& webhooks) {
  const std::int64_t started_failing = digest.started_failing.count + behind_failing_jump_hosts(digest);
  if (webhooks.empty() || digest.changed.count + started_failing + digest.recovered.count == 0) {
    return {};
  }
  std::string text = "*nbsync* " + what_ran(digest);
  if (digest.interrupted) {
    text.append(" (stopped before it finished; what it stored)");
  }
  text.append(": ");
  text.append(std::to_string(digest.changed.count)).append(" config(s) changed, ");
  text.append(std::to_string(started_failing)).append(" device(s) started failing, ");
  text.append(std::to_string(digest.recovered.count)).append(" recovered");
  if (digest.still_failing > 0) {
    text.append(" (").append(std::to_string(digest.still_failing)).append(" still failing)");
  }
  text.append("\n");
  add_group(text, "Changed", digest.changed, netbox_url);
  add_group(text, "Started failing", digest.started_failing, netbox_url);
  add_jump_hosts(text, digest.failing_jump_hosts);
  add_group(text, "Recovered", digest.recovered, netbox_url);
  const std::string payload = nlohmann::json{{"text", text}}.dump();
  std::vector<storage::OutboxRow> rows;
  for (const auto& name : webhooks) {
    rows.push_back({"slack:" + name, "message", std::nullopt, payload, dedupe_key(digest)});
  }
  return rows;
}

}  // namespace nbsync::notify
