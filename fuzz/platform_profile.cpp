// A platform profile (TOML text from ssh.profiles_dir, untrusted) through parse_profile.
// Invariants: it parses or throws ProfileError (nothing else); a parsed profile has a
// config command, a prompt unless it uses exec, only read-only commands, and
// its patterns then run on any text without failing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "backup/config_normalizer.hpp"
#include "backup/platform_profile.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::shared_ptr<const nbsync::backup::PlatformProfile> profile;
  try {
    profile = nbsync::backup::parse_profile(text, "fuzz/profile.toml");
  } catch (const nbsync::backup::ProfileError&) {
    return 0;
  }
  using Transport = nbsync::backup::PlatformProfile::Transport;
  check(!profile->config_commands.empty(), "a profile without config commands");
  check(profile->transport == Transport::exec || !profile->prompt.empty(), "a shell profile without a prompt");
  check(profile->volatile_lines.empty() == profile->any_volatile_line.empty(),
        "volatile lines without their combined pattern");
  // The profile in use: its patterns and masks over a small config.
  const std::string sample =
      "hostname r1\nenable secret 5 abc\nntp clock-period 17\n" + text.substr(0, 256) + "\nend\n";
  const nbsync::backup::ConfigNormalizer normalizer(profile, true);
  const auto normalized = normalizer.normalize(sample);
  check(normalized.text.empty() || normalized.text.back() == '\n', "normalized text does not end with a newline");
  (void)profile->prompt.search("router#");
  (void)profile->more.search(" --More-- ");
  return 0;
}
