// Arbitrary device output (what a device, or whatever answers on its address, prints) as
// the session reads it. The read loop itself (backup/detail/prompt_reader) needs an SSH
// channel; this target runs its pure pieces the same way: the last line of the buffer as
// a terminal shows it (tail_line), clean_terminal_line on every line, and the profile's
// prompt, pager, unprivileged-prompt, error, config_start and config_end patterns on them.
// The first byte picks the shipped profile. Invariants: a cleaned line holds no terminal
// control (CR, BS, ESC, NUL) and no trailing blank, is never longer than the raw line (the
// last line: than 512 bytes), and cleaning it again changes nothing; answering the pager
// leaves the buffer at a line start.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "backup/config_normalizer.hpp"
#include "backup/detail/prompt_reader.hpp"
#include "backup/platform_profile.hpp"
#include "fuzz/shipped_profiles.hpp"

namespace {

using nbsync::backup::clean_terminal_line;
using nbsync::backup::PlatformProfile;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

// Checks `line`, which cleaning made from `raw_size` bytes.
void check_clean(const std::string& line, std::size_t raw_size) {
  check(line.size() <= raw_size, "a cleaned line is longer than the raw one");
  check(line.find_first_of(std::string_view("\r\b\x1b\0", 4)) == std::string::npos,
        "a cleaned line still holds a terminal control");
  check(line.empty() || (line.back() != ' ' && line.back() != '\t'), "a cleaned line ends in a blank");
  check(clean_terminal_line(line) == line, "cleaning a clean line changed it");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const PlatformProfile& profile = *nbsync::fuzz::shipped_profile(data[0]);
  std::string buffer(reinterpret_cast<const char*>(data) + 1, size - 1);

  // The read loop's look at the last line: pager first, then the prompt.
  const std::string tail = nbsync::backup::detail::tail_line(buffer);
  check_clean(tail, 512);
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
    const std::string_view raw =
        std::string_view(buffer).substr(start, end == std::string::npos ? std::string::npos : end - start);
    const std::string line = clean_terminal_line(raw);
    check_clean(line, raw.size());
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
