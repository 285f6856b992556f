// Arbitrary device output (what a device, or whatever answers on its address, prints) as
// DeviceSession reads it. The prompt and pager logic itself lives inside DeviceSession's
// read loop (backup/device_session.cpp, no pure entry point); this target runs its pure
// pieces the same way: the last line of the buffer as a terminal shows it (tail_line,
// mirrored below), clean_terminal_line on every line, and the profile's prompt, pager,
// unprivileged-prompt, error, config_start and config_end patterns on them. The first
// byte picks the shipped profile. Invariants: a cleaned line holds no terminal control
// (CR, BS, ESC, NUL) and no trailing blank, is never longer than the raw line, and
// cleaning it again changes nothing; answering the pager leaves the buffer at a line start.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backup/config_normalizer.hpp"
#include "backup/platform_profile.hpp"

namespace {

using nbsync::backup::clean_terminal_line;
using nbsync::backup::PlatformProfile;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

const std::vector<std::shared_ptr<const PlatformProfile>>& profiles() {
  static const auto list = [] {
    const auto registry = nbsync::backup::ProfileRegistry::shipped();
    std::vector<std::shared_ptr<const PlatformProfile>> out;
    for (const auto& name : registry.names()) {
      out.push_back(registry.find(name));
    }
    return out;
  }();
  return list;
}

std::string checked_clean(std::string_view raw) {
  std::string line = clean_terminal_line(raw);
  check(line.size() <= raw.size(), "a cleaned line is longer than the raw one");
  check(line.find_first_of(std::string_view("\r\b\x1b\0", 4)) == std::string::npos,
        "a cleaned line still holds a terminal control");
  check(line.empty() || (line.back() != ' ' && line.back() != '\t'), "a cleaned line ends in a blank");
  check(clean_terminal_line(line) == line, "cleaning a clean line changed it");
  return line;
}

// As tail_line in backup/device_session.cpp: the unfinished last line, from the last 4 KB
// (and of that line, its last 512 bytes).
std::string tail_line(const std::string& buffer) {
  const std::size_t from = buffer.size() > 4096 ? buffer.size() - 4096 : 0;
  std::string_view window = std::string_view(buffer).substr(from);
  const auto newline = window.rfind('\n');
  if (newline != std::string_view::npos) {
    window.remove_prefix(newline + 1);
  }
  return checked_clean(window.substr(window.size() > 512 ? window.size() - 512 : 0));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const PlatformProfile& profile = *profiles()[data[0] % profiles().size()];
  std::string buffer(reinterpret_cast<const char*>(data) + 1, size - 1);

  // The read loop's look at the last line: pager first, then the prompt.
  const std::string tail = tail_line(buffer);
  if (!tail.empty()) {
    if (!profile.more.empty() && profile.more.search(tail)) {
      buffer.erase(buffer.rfind('\n') == std::string::npos ? 0 : buffer.rfind('\n') + 1);
      check(buffer.empty() || buffer.back() == '\n', "answering the pager left a partial line");
    }
    (void)profile.prompt.search(tail);
    (void)profile.unprivileged_prompt.search(tail);
    (void)profile.enable_password_prompt.search(tail);
  }
  // Every line as the config checks see it: the first lines for errors, start and end markers.
  std::size_t start = 0;
  while (start < buffer.size()) {
    const auto end = buffer.find('\n', start);
    const std::string line = checked_clean(
        std::string_view(buffer).substr(start, end == std::string::npos ? std::string::npos : end - start));
    (void)profile.error.search(line);
    (void)profile.config_start.search(line);
    (void)profile.config_end.search(line);
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return 0;
}
