#pragma once
// Turns a config as it came off the wire into the text nbsync hashes and stores:
// terminal debris removed (carriage returns, backspaces, ANSI escapes), trailing spaces
// trimmed, the profile's volatile lines dropped (timestamps, clock periods, counters) so
// they never look like a change, and, when masking is on, secrets replaced. The same raw
// text always gives the same result. Thread-safe (const).
#include <memory>
#include <string>
#include <string_view>

#include "backup/platform_profile.hpp"

namespace nbsync::backup {

struct NormalizedConfig {
  std::string text;  // '\n' line ends, ends with one '\n' (empty when no config lines)
  int lines = 0;
  int volatile_dropped = 0;
  int secrets_masked = 0;
};

class ConfigNormalizer {
public:
  ConfigNormalizer(std::shared_ptr<const PlatformProfile> profile, bool mask_secrets);
  NormalizedConfig normalize(std::string_view raw) const;

private:
  std::shared_ptr<const PlatformProfile> m_profile;
  bool m_mask_secrets;
};

// One terminal line as a person would see it: what follows the last carriage return
// that has text after it, backspaces applied, ANSI escape sequences removed.
std::string clean_terminal_line(std::string_view line);

}  // namespace nbsync::backup
