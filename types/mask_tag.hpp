#pragma once
// What a masked secret looks like in a stored config: "<removed>" (masking without a key,
// and every version stored before keys), or "<removed:5f2a9c>", a keyed hash of the secret
// (backup::MaskKey) that changes when the secret does.
#include <cstddef>
#include <string>
#include <string_view>

namespace nbsync {

inline constexpr std::string_view k_mask_placeholder = "<removed>";
inline constexpr std::string_view k_mask_tag_start = "<removed:";
inline constexpr std::size_t k_mask_tag_digits = 6;

// True for "<removed>" and "<removed:" 6 lowercase hex digits ">": text a mask put there.
bool is_mask_tag(std::string_view text);

// `text` with every "<removed:xxxxxx>" written as "<removed>": configs equal so differ at
// most in the key their secrets were tagged under (or in one predating keys).
std::string without_mask_tags(std::string_view text);

}  // namespace nbsync
