#include "lab/devices/platforms/platform.hpp"

#include <algorithm>
#include <cctype>

#include "lab/devices/device_shell.hpp"

namespace nbsync::lab {
namespace {

std::vector<std::pair<std::size_t, std::string>> tokenize(const std::string& line) {
  std::vector<std::pair<std::size_t, std::string>> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') {
      ++i;
    }
    if (i >= line.size()) {
      break;
    }
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ') {
      ++i;
    }
    std::string token = line.substr(start, i - start);
    std::transform(token.begin(), token.end(), token.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    tokens.emplace_back(start, std::move(token));
  }
  return tokens;
}

}  // namespace

const std::string& CommandLine::arg(std::size_t i) const {
  static const std::string empty;
  return i < tokens.size() ? tokens[i].second : empty;
}

CommandLine parse_command(const std::string& raw) {
  CommandLine command;
  command.raw = raw;
  command.text = raw;
  const auto bar = raw.find('|');
  if (bar != std::string::npos) {
    command.no_more = raw.find("no-more", bar) != std::string::npos;
    command.text.resize(bar);
    while (!command.text.empty() && command.text.back() == ' ') {
      command.text.pop_back();
    }
  }
  command.tokens = tokenize(command.text);
  return command;
}

bool is(const std::string& token, std::string_view word, std::size_t min) {
  return token.size() >= min && token.size() <= word.size() && word.substr(0, token.size()) == token;
}

bool parse_count(const std::string& s, int& out) {
  if (s.empty() || s.size() > 6) {
    return false;
  }
  int v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

std::string PlatformSim::echo_enter(const std::string&, const std::string&) const {
  return "\n";
}

std::string PlatformSim::more_prompt(std::size_t) const {
  return "--More--";
}

std::string PlatformSim::erase_more(const std::string& prompt) const {
  std::string erase = "\r";
  erase.append(prompt.size(), ' ');
  erase.push_back('\r');
  return erase;
}

bool enable_with_secret(DeviceShell& shell, const std::string& w0) {
  if (is(w0, "enable", 2)) {
    if (shell.privileged()) {
      shell.done();
    } else {
      shell.ask_enable_password();
    }
    return true;
  }
  if (is(w0, "disable", 4)) {
    shell.set_privileged(false);
    shell.done();
    return true;
  }
  return false;
}

std::string erase_by_backspaces(const std::string& prompt) {
  std::string erase(prompt.size(), '\b');
  erase.append(prompt.size(), ' ');
  erase.append(prompt.size(), '\b');
  return erase;
}

const PlatformSim& platform_sim(Platform platform) {
  switch (platform) {
    case Platform::cisco_ios:
      return platforms::cisco_ios();
    case Platform::cisco_nxos:
      return platforms::cisco_nxos();
    case Platform::arista_eos:
      return platforms::arista_eos();
    case Platform::juniper_junos:
      return platforms::juniper_junos();
    case Platform::cisco_asa:
      return platforms::cisco_asa();
    case Platform::cisco_iosxr:
      return platforms::cisco_iosxr();
    case Platform::paloalto_panos:
      return platforms::paloalto_panos();
    case Platform::huawei_vrp:
      return platforms::huawei_vrp();
    case Platform::linux_frr:
      return platforms::linux_frr();
    case Platform::mikrotik_routeros:
      return platforms::mikrotik_routeros();
    case Platform::aruba_aoscx:
      return platforms::aruba_aoscx();
    case Platform::fortinet_fortios:
      return platforms::fortinet_fortios();
    case Platform::generic:
      break;
  }
  return platforms::generic();
}

}  // namespace nbsync::lab
