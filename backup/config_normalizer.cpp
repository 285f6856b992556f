#include "backup/config_normalizer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "types/mask_tag.hpp"

namespace nbsync::backup {

namespace {

bool is_terminal_control(char c) {
  return c == '\x1b' || c == '\b' || c == '\r' || c == '\0';
}

std::string_view trim_trailing_blanks(std::string_view line) {
  std::size_t end = line.size();
  while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
    --end;
  }
  return line.substr(0, end);
}

// The escape sequence at `line[at]` (ESC): CSI "ESC [ parameters final-byte", else ESC and
// one character. Only "ESC [ n D" (cursor n columns left, default 1) changes the line: it takes
// back what it passes over, as n backspaces do (Huawei's pager erases "  ---- More ----" with
// ESC[42D, blanks, ESC[42D). Returns the index of the sequence's last byte.
std::size_t apply_escape(std::string_view line, std::size_t at, std::string& out) {
  if (at + 1 >= line.size() || line[at + 1] != '[') {
    return at + 1;
  }
  std::size_t i = at + 2;
  std::size_t columns = 0;
  while (i < line.size() && !(line[i] >= '@' && line[i] <= '~')) {
    const bool digit = line[i] >= '0' && line[i] <= '9';
    columns = digit ? std::min<std::size_t>(columns * 10 + static_cast<std::size_t>(line[i] - '0'), 4096) : 0;
    ++i;
  }
  if (i < line.size() && line[i] == 'D') {
    out.erase(out.size() - std::min(out.size(), std::max<std::size_t>(columns, 1)));
  }
  return i;
}

// The slow path of clean_line: the line holds a control character.
std::string apply_terminal_controls(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\x1b') {
      i = apply_escape(line, i, out);
    } else if (c == '\b') {
      if (!out.empty()) {
        out.pop_back();
      }
    } else if (c == '\r') {
      // A carriage return starts the line over, unless only blanks follow it (up to the
      // next one): then what is already on the line stays, as on a terminal.
      std::size_t next = line.find('\r', i + 1);
      if (next == std::string_view::npos) {
        next = line.size();
      }
      const std::string_view after = line.substr(i + 1, next - i - 1);
      if (after.find_first_not_of(" \b") == std::string_view::npos) {
        i = next - 1;
      } else {
        out.clear();
      }
    } else if (c != '\0') {
      out.push_back(c);
    }
  }
  out.resize(trim_trailing_blanks(out).size());
  return out;
}

// True when `line` holds a byte below 0x20 (every terminal control is one; so is a tab).
// Eight bytes at a time: a byte below 0x20 leaves its top bit set in (x - 0x20...) & ~x.
// (std::string_view::find_first_of calls memchr once per byte: this is several times faster,
// and every config line goes through it.)
bool has_low_byte(std::string_view line) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_tops = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, line.data() + i, 8);
    if (((x - k_ones * 0x20) & ~x & k_tops) != 0) {
      return true;
    }
  }
  for (; i < line.size(); ++i) {
    if (static_cast<unsigned char>(line[i]) < 0x20) {
      return true;
    }
  }
  return false;
}

// `line` as a terminal shows it; a view of `line` itself when it holds no control
// character (most lines: no copy), else of `scratch`.
std::string_view clean_line(std::string_view line, std::string& scratch) {
  // A line that came through a pty ends in "\r": with only spaces or more carriage
  // returns after it, a carriage return leaves the line as it is, so these go first and
  // such a line can take the fast path.
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.remove_suffix(1);
  }
  if (has_low_byte(line) && std::any_of(line.begin(), line.end(), is_terminal_control)) {
    scratch = apply_terminal_controls(line);
    return scratch;
  }
  return trim_trailing_blanks(line);
}

}  // namespace

std::string clean_terminal_line(std::string_view line) {
  std::string scratch;
  return std::string(clean_line(line, scratch));
}

ConfigNormalizer::ConfigNormalizer(std::shared_ptr<const PlatformProfile> profile, bool mask_secrets,
                                   std::shared_ptr<const MaskKey> key)
    : m_profile(std::move(profile)), m_mask_secrets(mask_secrets), m_key(std::move(key)) {}

int ConfigNormalizer::mask(std::string& text) const {
  int masked = 0;
  if (!m_key) {
    for (const auto& mask : m_profile->masks) {
      masked += mask.pattern.replace_all(text, mask.replacement);
    }
    return masked;
  }
  const auto tag = [this](std::string_view secret) {
    return is_mask_tag(secret) ? std::string(secret) : m_key->tag(secret);
  };
  for (const auto& mask : m_profile->masks) {
    masked += mask.reencrypted_per_read
                  ? mask.pattern.replace_all(text, mask.replacement)
                  : mask.pattern.replace_all_marked(text, mask.replacement, k_mask_placeholder, tag);
  }
  return masked;
}

NormalizedConfig ConfigNormalizer::normalize(std::string_view raw) const {
  NormalizedConfig result;
  result.text.reserve(raw.size());
  std::size_t pending_blank = 0;  // blank lines are written only when text follows them
  std::size_t start = 0;
  const Pattern& volatile_line = m_profile->any_volatile_line;
  std::string scratch;
  while (start <= raw.size()) {
    const std::size_t end = raw.find('\n', start);
    const std::string_view piece =
        raw.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? raw.size() + 1 : end + 1;
    const std::string_view line = clean_line(piece, scratch);
    if (line.empty()) {
      if (result.lines > 0) {
        ++pending_blank;
      }
      continue;
    }
    if (!volatile_line.empty() && volatile_line.search(line)) {
      ++result.volatile_dropped;
      continue;
    }
    result.text.append(pending_blank, '\n');
    result.lines += static_cast<int>(pending_blank);
    pending_blank = 0;
    result.text.append(line).push_back('\n');
    ++result.lines;
  }
  // Masks run once over the whole text (patterns are multi-line: ^ and $ are line ends).
  if (m_mask_secrets) {
    result.secrets_masked = mask(result.text);
    result.mask_key = m_key ? m_key->id() : std::string();
    // A user's mask may match across line ends (`\C+`, `[^;]+`): the text keeps its shape.
    if (result.secrets_masked > 0) {
      if (!result.text.empty() && result.text.back() != '\n') {
        result.text.push_back('\n');
      }
      result.lines = static_cast<int>(std::count(result.text.begin(), result.text.end(), '\n'));
    }
  }
  return result;
}

}  // namespace nbsync::backup
