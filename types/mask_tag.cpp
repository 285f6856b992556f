#include "types/mask_tag.hpp"

#include <algorithm>

namespace nbsync {

namespace {

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// The length of the tag "<removed:xxxxxx>" at the start of `text`, or 0.
std::size_t tag_length_at(std::string_view text) {
  const std::size_t length = k_mask_tag_start.size() + k_mask_tag_digits + 1;
  if (text.size() < length || !text.starts_with(k_mask_tag_start) || text[length - 1] != '>') {
    return 0;
  }
  const std::string_view digits = text.substr(k_mask_tag_start.size(), k_mask_tag_digits);
  return std::all_of(digits.begin(), digits.end(), is_hex_digit) ? length : 0;
}

}  // namespace

bool is_mask_tag(std::string_view text) {
  return text == k_mask_placeholder || (!text.empty() && text.size() == tag_length_at(text));
}

std::string without_mask_tags(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  while (from < text.size()) {
    const std::size_t at = text.find(k_mask_tag_start, from);
    if (at == std::string_view::npos) {
      break;
    }
    out.append(text.substr(from, at - from));
    const std::size_t length = tag_length_at(text.substr(at));
    out.append(length > 0 ? k_mask_placeholder : k_mask_tag_start);
    from = at + (length > 0 ? length : k_mask_tag_start.size());
  }
  out.append(text.substr(std::min(from, text.size())));
  return out;
}

}  // namespace nbsync
