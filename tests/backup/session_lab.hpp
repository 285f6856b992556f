#pragma once
// The real nbsync-lab for the session tests (transport, prompt reader, dialogues): its
// simulated devices as the backup module sees them, the lab's login, and the lab's control
// routes (faults, keyboard-interactive only, the config a device prints, login counters).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "backup/credentials.hpp"
#include "backup/detail/config_text.hpp"
#include "backup/host_key_verifier.hpp"
#include "backup/platform_profile.hpp"
#include "inventory/netbox_device.hpp"
#include "tests/support/lab.hpp"

namespace nbsync::backup::test {

using namespace std::chrono_literals;

// Answers every key with one verdict, and remembers the key it was shown.
class FixedVerifier : public HostKeyVerifier {
public:
  explicit FixedVerifier(HostKeyVerdict verdict = HostKeyVerdict::trusted) : m_verdict(verdict) {}
  HostKeyVerdict verify(const inventory::Device&, const HostKey& key) override {
    m_shown = key;
    ++m_asked;
    return m_verdict;
  }
  const HostKey& shown() const { return m_shown; }
  int asked() const { return m_asked; }

private:
  HostKeyVerdict m_verdict;
  HostKey m_shown;
  int m_asked = 0;
};

// `read` failed as `kind` with a message that holds `part`, and kept no config.
inline void expect_failed_read(const detail::ConfigRead& read, OutcomeKind kind, const std::string& part) {
  EXPECT_EQ(read.outcome.kind, kind) << read.outcome.message;
  EXPECT_THAT(read.outcome.message, ::testing::HasSubstr(part));
  EXPECT_EQ(read.config, "");
}

inline Credentials lab_credentials() {
  return {"netops", Secret("lab-password", "test"), "", Secret("lab-enable-secret", "test")};
}

// Limits short enough for a test to see every timeout in a second or two.
inline SessionLimits quick_limits() {
  SessionLimits limits;
  limits.connect_timeout = 5s;
  limits.login_timeout = 10s;
  limits.command_idle_timeout = 5s;
  limits.command_timeout = 30s;
  return limits;
}

class SessionLab {
public:
  explicit SessionLab(const std::vector<std::string>& extra_args = {}) : m_lab(30, 42, extra_args) {
    inventory::DeviceParseOptions parse;
    parse.default_port = static_cast<std::uint16_t>(m_lab.ssh_port());
    for (const auto& object : m_lab.walk("/api/dcim/devices/?limit=100&exclude=config_context")) {
      auto device = inventory::device_from_netbox(object, parse);
      if (!device.address.empty() && device.status == "active") {
        m_devices.push_back(std::move(device));
      }
    }
  }

  // The first device the lab simulates with `platform` (a NetBox platform slug).
  const inventory::Device& device(const std::string& platform) const {
    for (const auto& device : m_devices) {
      if (device.platform == platform) {
        return device;
      }
    }
    throw std::runtime_error("the lab has no active " + platform + " device");
  }
  const std::vector<inventory::Device>& devices() const { return m_devices; }
  // A shipped profile by name.
  const PlatformProfile& profile(const std::string& name) {
    const auto profile = m_profiles.find(name);
    if (!profile) {
      throw std::runtime_error("no shipped profile " + name);
    }
    return *profile;  // the registry keeps it
  }

  void set_fault(const inventory::Device& device, const std::string& fault) {
    expect_ok(m_lab.send("POST", device_path(device) + "/faults", {{"faults", {fault}}}));
  }
  void set_keyboard_interactive_only(const inventory::Device& device) {
    expect_ok(m_lab.send("POST", device_path(device) + "/ssh", {{"keyboard_interactive_only", true}}));
  }
  // GET /lab/devices/{id}/ssh: host_key_fingerprint, presented_host_key_fingerprint, ...
  nlohmann::json ssh_state(const inventory::Device& device) {
    return expect_ok(m_lab.get(device_path(device) + "/ssh"));
  }
  // The config text the device prints now.
  std::string config_text(const inventory::Device& device) {
    return expect_ok(m_lab.get(device_path(device) + "/config"))["text"].get<std::string>();
  }
  // Credentials the lab's SSH workers were shown: logins plus refused logins, over all workers.
  std::uint64_t credential_checks() {
    const auto stats = expect_ok(m_lab.get("/lab/ssh"));
    std::uint64_t checks = 0;
    for (const auto& worker : stats["workers"]) {
      checks += worker["logins"].get<std::uint64_t>() + worker["auth_failures"].get<std::uint64_t>();
    }
    return checks;
  }

  // GET /lab/bastions: each bastion's name, address, port, user, behind, chain, sites.
  nlohmann::json bastions() { return expect_ok(m_lab.get("/lab/bastions"))["bastions"]; }
  // One bastion's counters: connections, logins, forwards, forwards_refused, ...
  nlohmann::json bastion_counters(const std::string& name) {
    return expect_ok(m_lab.get("/lab/bastions/" + name))["counters"];
  }
  // Cuts the bastion's connections (POST /lab/bastions/{name}/drop); how many it held.
  int drop_bastion_connections(const std::string& name) {
    return expect_ok(m_lab.send("POST", "/lab/bastions/" + name + "/drop", nlohmann::json::object()))["dropped"];
  }
  void set_bastion_fault(const std::string& name, const std::string& fault) {
    expect_ok(m_lab.send("POST", "/lab/bastions/" + name + "/faults", {{"faults", {fault}}}));
  }

private:
  static std::string device_path(const inventory::Device& device) {
    return "/lab/devices/" + std::to_string(device.id);
  }
  static nlohmann::json expect_ok(const nbsync::test::LabReply& reply) {
    if (reply.status / 100 != 2) {
      throw std::runtime_error("the lab answered " + std::to_string(reply.status) + ": " + reply.raw.substr(0, 200));
    }
    return reply.body;
  }

  nbsync::test::Lab m_lab;
  std::vector<inventory::Device> m_devices;
  ProfileRegistry m_profiles = ProfileRegistry::shipped();
};

}  // namespace nbsync::backup::test
