#pragma once
// zstd compression of whole config texts (one frame each, content size recorded in the
// frame). A frame may be compressed against a prefix (the device's previous version), so
// it holds only what changed; it then needs that same prefix to decompress. decompress()
// refuses frames without a size or larger than the expected size, so a damaged blob is an
// error, never a wrong config.
#include <cstddef>
#include <string>
#include <string_view>

namespace nbsync::storage::detail {

inline constexpr int k_zstd_level = 3;

std::string zstd_compress(std::string_view raw, int level = k_zstd_level);
// `expected_size` is the raw size recorded next to the blob; a mismatch throws.
std::string zstd_decompress(std::string_view frame, std::size_t expected_size);

// The same against `prefix`: matches in the prefix cost a few bytes each.
std::string zstd_compress_with_prefix(std::string_view raw, std::string_view prefix, int level = k_zstd_level);
std::string zstd_decompress_with_prefix(std::string_view frame, std::size_t expected_size, std::string_view prefix);

}  // namespace nbsync::storage::detail
