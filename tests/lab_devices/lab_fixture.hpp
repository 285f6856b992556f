#pragma once
// Shared helpers for the lab device tests: a DeviceLab on a free port with a handful of
// devices, and logins that reach each platform's privileged prompt.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <memory>
#include <string>
#include <vector>

#include "lab/devices/device_lab.hpp"
#include "tests/lab_devices/ssh_test_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::test {

using namespace std::chrono_literals;

inline constexpr const char* k_user = "netops";
inline constexpr const char* k_password = "lab-password";
inline constexpr const char* k_enable = "lab-enable-secret";

// 127.77.<high>.<low> for device `id`: an address range no other suite uses.
inline std::uint32_t test_address(std::int64_t id) {
  return (127U << 24) | (77U << 16) | static_cast<std::uint32_t>(id & 0xffff);
}

inline std::string address_text(std::uint32_t a) {
  in_addr address{};
  address.s_addr = htonl(a);
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

// prefix + id, without GCC 12's false -Wrestrict on "literal" + std::to_string(n).
inline std::string numbered(const char* prefix, std::int64_t id) {
  std::string s(prefix);
  s.append(std::to_string(id));
  return s;
}

inline lab::DeviceLabOptions test_options() {
  lab::DeviceLabOptions o;
  o.seed = 42;
  o.ssh_port = 0;
  o.keyboard_interactive_share = 0;
  o.user = k_user;
  o.password = k_password;
  o.enable_secret = k_enable;
  return o;
}

// Devices 1..5: one per simulated platform (IOS, NX-OS, EOS, Junos, generic); 6 on: the
// platforms added later, at fixed ids (6 ASA, 7 IOS XR, 8 VRP, 9 PAN-OS, 10 AOS-CX,
// 11 Linux with FRR, 12 RouterOS, 13 FortiOS).
inline std::vector<lab::SimulatedDevice> platform_devices() {
  return {
      {1, "rtr-ios-01", "cisco-ios", test_address(1)},          {2, "sw-nxos-01", "cisco-nxos", test_address(2)},
      {3, "sw-eos-01", "arista-eos", test_address(3)},          {4, "fw-junos-01", "juniper-junos", test_address(4)},
      {5, "console-01", "opengear", test_address(5)},           {6, "fw-asa-01", "cisco-asa", test_address(6)},
      {7, "xr-core-01", "cisco-iosxr", test_address(7)},        {8, "sw-vrp-01", "huawei-vrp", test_address(8)},
      {9, "fw-pa-01", "paloalto-panos", test_address(9)},       {11, "rtr-frr-01", "linux", test_address(11)},
      {12, "rtr-mt-01", "mikrotik-routeros", test_address(12)}, {10, "sw-cx-01", "aruba-aoscx", test_address(10)},
      {13, "fw-fgt-01", "fortinet-fortios", test_address(13)},
  };
}

// A new ed25519 key (the caller frees it) whose public half `dir`/id.pub holds, for
// DeviceLabOptions::authorized_key_file; returns that file.
inline std::string write_authorized_key(const TempDir& dir, ssh_key& key) {
  if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
    throw std::runtime_error("cannot generate an ed25519 key");
  }
  char* b64 = nullptr;
  ssh_pki_export_pubkey_base64(key, &b64);
  const auto file = dir.write("id.pub", std::string("ssh-ed25519 ") + b64 + " test@lab\n");
  ssh_string_free_char(b64);
  return file.string();
}

inline std::unique_ptr<SshTestClient> connect(const lab::DeviceLab& lab, std::int64_t id, long timeout_s = 5) {
  return std::make_unique<SshTestClient>(address_text(test_address(id)), lab.ssh_port(), timeout_s);
}

// Password login plus shell; reads up to the first prompt. Returns the text read.
inline std::string open_shell(SshTestClient& c, const std::string& prompt, bool pty = true) {
  if (!c.password(k_user, k_password)) {
    throw std::runtime_error("password login refused");
  }
  c.open_shell(pty);
  return c.read_until_suffix(prompt, 5s);
}

inline std::string ios_enable(SshTestClient& c, const std::string& host) {
  c.write("enable\n");
  std::string out = c.read_until("Password: ", 5s);
  c.write(std::string(k_enable) + "\n");
  out += c.read_until_suffix(host + "#", 5s);
  return out;
}

// Removes lines starting with any of `prefixes` and the IOS byte-count line.
inline std::string without_volatile(const std::string& text, const std::vector<std::string>& prefixes) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size() - 1;
    }
    const std::string line = text.substr(start, end - start + 1);
    bool skip = line.rfind("Current configuration : ", 0) == 0;
    for (const auto& p : prefixes) {
      skip = skip || line.rfind(p, 0) == 0;
    }
    if (!skip) {
      out += line;
    }
    start = end + 1;
  }
  return out;
}

}  // namespace nbsync::test
