#include "storage/detail/zstd_codec.hpp"

#include <zstd.h>

#include <stdexcept>

namespace nbsync::storage::detail {

std::string zstd_compress(std::string_view raw, int level) {
  std::string frame(ZSTD_compressBound(raw.size()), '\0');
  const std::size_t written = ZSTD_compress(frame.data(), frame.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(written) != 0U) {
    throw std::runtime_error(std::string("zstd compression failed: ") + ZSTD_getErrorName(written));
  }
  frame.resize(written);
  return frame;
}

std::string zstd_decompress(std::string_view frame, std::size_t expected_size) {
  const unsigned long long content_size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (content_size == ZSTD_CONTENTSIZE_ERROR || content_size == ZSTD_CONTENTSIZE_UNKNOWN ||
      content_size != expected_size) {
    throw std::runtime_error("stored config is damaged: zstd frame does not hold the expected " +
                             std::to_string(expected_size) + " bytes");
  }
  std::string raw(expected_size, '\0');
  const std::size_t read = ZSTD_decompress(raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(read) != 0U || read != expected_size) {
    throw std::runtime_error("stored config is damaged: zstd decompression failed");
  }
  return raw;
}

}  // namespace nbsync::storage::detail
