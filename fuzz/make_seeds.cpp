// nbsync-fuzz-seeds DIR: writes a seed corpus from the lab's generators into DIR/<target>/
// (scripts/fuzz runs it before fuzzing): NetBox device pages as the lab's API renders them,
// each lab platform's config (as printed, and with a pty's "\r\n"), whole terminal sessions
// of the lab's simulated shells (banner, prompts, enable, paged config with pager prompts),
// and two versions of a config for the diff. Nothing touches the network.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backup/platform_profile.hpp"
#include "lab/devices/config_generator.hpp"
#include "lab/devices/device_shell.hpp"
#include "lab/fleet.hpp"
#include "lab/netbox_json.hpp"

namespace {

namespace fs = std::filesystem;
using namespace nbsync::lab;

constexpr Platform k_platforms[] = {Platform::cisco_ios, Platform::cisco_nxos, Platform::arista_eos,
                                    Platform::juniper_junos, Platform::generic};
constexpr std::size_t k_max_seed = 6000;  // keeps libFuzzer's inputs (and max_len) small

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

// The first `limit` bytes of `text`, cut at a line end.
std::string head(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  const auto end = text.rfind('\n', limit);
  return text.substr(0, end == std::string::npos ? limit : end + 1);
}

std::string with_crlf(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') {
      out += '\r';
    }
    out += c;
  }
  return out;
}

// The index the fuzz targets' first byte selects: profiles in ProfileRegistry::names() order.
char profile_byte(Platform platform) {
  const auto names = nbsync::backup::ProfileRegistry::shipped().names();
  const std::string slug = platform == Platform::generic ? "linux" : std::string(platform_slug(platform));
  const auto it = std::find(names.begin(), names.end(), slug);
  return static_cast<char>(it == names.end() ? 0 : it - names.begin());
}

std::string drain(DeviceShell& shell, std::string& transcript) {
  std::string out;
  while (shell.has_output() && transcript.size() + out.size() < k_max_seed) {
    out += shell.take_output(4096);
  }
  transcript += out;
  return out;
}

void netbox_pages(const fs::path& dir) {
  const Fleet fleet(20, 1);
  const std::string base = "http://127.0.0.1:8000";
  const auto& devices = fleet.devices();
  for (std::size_t offset = 0; offset < devices.size(); offset += 3) {
    for (const bool brief : {false, true}) {
      nlohmann::json results = nlohmann::json::array();
      DeviceRenderOptions options;
      options.brief = brief;
      for (std::size_t i = offset; i < offset + 3 && i < devices.size(); ++i) {
        results.push_back(device_json(fleet, devices[i], base, {}, options));
      }
      const bool last = offset + 3 >= devices.size();
      const nlohmann::json page = {
          {"count", devices.size()},
          {"next", last ? nlohmann::json(nullptr)
                        : nlohmann::json(base + "/api/dcim/devices/?limit=3&offset=" + std::to_string(offset + 3))},
          {"previous", nullptr},
          {"results", results}};
      write(dir, "lab-page-" + std::to_string(offset) + (brief ? "-brief" : ""), page.dump());
    }
  }
}

void configs(const fs::path& root) {
  const std::time_t now = 1764806400;  // 2025-12-04, fixed: the corpus is the same every run
  for (const Platform platform : k_platforms) {
    const std::string slug(platform_slug(platform));
    const char byte = profile_byte(platform);
    // Device ids 1..20 of seed 1 have different sizes; the smallest keep seeds short.
    for (std::int64_t id = 1; id <= 3; ++id) {
      ConfigRequest request{1, id, "lab-" + slug + "-" + std::to_string(id), platform, 0, now, 1};
      const std::string v0 = head(generate_config(request).output, k_max_seed / 2);
      request.version = 1;
      request.now = now + 3600;
      request.read_nonce = 2;
      const std::string v1 = head(generate_config(request).output, k_max_seed / 2);
      const std::string name = "lab-" + slug + "-" + std::to_string(id);
      write(root / "normalizer", name, byte + v0);
      write(root / "normalizer", name + "-crlf", static_cast<char>(byte | 0x80) + with_crlf(v0));
      // Two halves of the same length: a config and its next version.
      const std::size_t half = std::min(v0.size(), v1.size());
      write(root / "diff", name, v0.substr(0, half) + v1.substr(0, half));
    }
  }
}

void sessions(const fs::path& dir) {
  for (const Platform platform : k_platforms) {
    const std::string slug(platform_slug(platform));
    ShellOptions options;
    options.platform = platform;
    options.hostname = "lab-" + slug;
    options.enable_secret = "lab-enable";
    options.seed = 1;
    options.id = 1;
    options.terminal_rows = 24;
    DeviceShell shell(options);
    std::string transcript;
    shell.start_shell();
    drain(shell, transcript);
    for (const std::string& input :
         {std::string("enable\n"), std::string("lab-enable\n"), std::string("show nonsense\n"),
          show_config_command(platform) + "\n", std::string(" "), std::string(" ")}) {
      shell.feed(input);
      drain(shell, transcript);
    }
    write(dir, "lab-session-" + slug, profile_byte(platform) + transcript);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: nbsync-fuzz-seeds DIR (writes DIR/<target>/ seed files)\n");
    return 2;
  }
  const fs::path root = argv[1];
  netbox_pages(root / "netbox_devices");
  configs(root);
  sessions(root / "terminal_output");
  return 0;
}
