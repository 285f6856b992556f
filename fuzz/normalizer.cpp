// A raw config as it came off the wire through ConfigNormalizer, with each shipped profile
// (the first byte picks it; its top bit turns masking off, its next bit masks with a key:
// "<removed:5f2a9c>" tags). Invariants: the text ends with
// one '\n' (or is empty), `lines` counts its lines, no line holds a terminal control or a
// trailing blank or matches a volatile pattern, normalizing the result again gives the
// same text (nothing more dropped or masked), and with masking on no mask finds anything
// left to replace.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backup/config_normalizer.hpp"
#include "backup/mask_key.hpp"
#include "backup/platform_profile.hpp"
#include "fuzz/shipped_profiles.hpp"
#include "types/mask_tag.hpp"

namespace {

using nbsync::backup::ConfigNormalizer;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const auto& profile = nbsync::fuzz::shipped_profile(data[0] & 0x7f);
  const bool mask = (data[0] & 0x80) == 0;
  const bool keyed = (data[0] & 0x40) != 0;
  static const auto key = std::make_shared<const nbsync::backup::MaskKey>(nbsync::Secret("fuzz key", "fuzz"));
  const std::string_view raw(reinterpret_cast<const char*>(data) + 1, size - 1);
  const ConfigNormalizer normalizer(profile, mask, keyed ? key : nullptr);
  const auto once = normalizer.normalize(raw);
  const std::string& text = once.text;

  check(text.empty() || (text.back() == '\n' && !text.starts_with('\n')), "the text does not end with one newline");
  check(!text.ends_with("\n\n"), "the text ends with a blank line");
  check(once.lines == std::count(text.begin(), text.end(), '\n'), "`lines` does not count the lines");
  check(once.volatile_dropped >= 0 && once.secrets_masked >= 0, "negative counts");
  if (!mask) {
    std::size_t start = 0;
    while (start < text.size()) {
      const auto end = text.find('\n', start);
      const std::string_view line = std::string_view(text).substr(start, end - start);
      check(line.find_first_of(std::string_view("\r\b\x1b\0", 4)) == std::string_view::npos,
            "a line holds a terminal control");
      check(line.empty() || (line.back() != ' ' && line.back() != '\t'), "a line ends in a blank");
      check(profile->any_volatile_line.empty() || !profile->any_volatile_line.search(line), "a volatile line is kept");
      start = end + 1;
    }
  }

  const auto twice = normalizer.normalize(text);
  check(twice.text == text, "normalizing normalized text changed it");
  check(twice.volatile_dropped == 0, "normalized text still has volatile lines");
  if (mask) {
    // With a key, what a mask finds in masked text must be a tag already.
    const auto left = [](std::string_view removed) {
      return nbsync::is_mask_tag(removed) ? std::string(removed) : std::string("<secret left>");
    };
    for (const auto& secret : profile->masks) {
      std::string again = text;
      if (keyed) {
        secret.pattern.replace_all_marked(again, secret.replacement, nbsync::k_mask_placeholder, left);
      } else {
        secret.pattern.replace_all(again, secret.replacement);
      }
      check(again == text, "a mask still finds a secret in masked text");
    }
  }
  return 0;
}
