#pragma once
// Turns a config as it came off the wire into the text nbsync hashes and stores:
// terminal debris removed (carriage returns, backspaces, ANSI escapes), trailing spaces
// trimmed, the profile's volatile lines dropped (timestamps, clock periods, counters) so
// they never look like a change, and, when masking is on, secrets replaced. The same raw
// text always gives the same result. With a MaskKey each masked secret becomes a keyed
// tag ("<removed:5f2a9c>") instead of "<removed>"; a secret already masked stays as it is,
// so normalizing normalized text changes nothing. Thread-safe (const).
#include <memory>
#include <string>
#include <string_view>

#include "backup/mask_key.hpp"
#include "backup/platform_profile.hpp"

namespace nbsync::backup {

struct NormalizedConfig {
  std::string text;  // '\n' line ends, ends with one '\n' (empty when no config lines)
  int lines = 0;
  int volatile_dropped = 0;
  int secrets_masked = 0;
  std::string mask_key;  // MaskKey::id() of the key secrets were tagged under; "" without one
};

class ConfigNormalizer {
public:
  // `key`: null masks with "<removed>", as before keys.
  ConfigNormalizer(std::shared_ptr<const PlatformProfile> profile, bool mask_secrets,
                   std::shared_ptr<const MaskKey> key = nullptr);
  NormalizedConfig normalize(std::string_view raw) const;

private:
  std::shared_ptr<const PlatformProfile> m_profile;
  bool m_mask_secrets;
  std::shared_ptr<const MaskKey> m_key;

  int mask(std::string& text) const;
};

// One terminal line as a person would see it: what follows the last carriage return
// that has text after it, backspaces applied, ANSI escape sequences removed.
std::string clean_terminal_line(std::string_view line);

}  // namespace nbsync::backup
