#include "storage/detail/zstd_codec.hpp"

#include <zstd.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <stdexcept>

namespace nbsync::storage::detail {
namespace {

struct CctxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DctxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

void check(std::size_t code, const char* doing) {
  if (ZSTD_isError(code) != 0U) {
    throw std::runtime_error(std::string(doing).append(" failed: ").append(ZSTD_getErrorName(code)));
  }
}

void check_frame_size(std::string_view frame, std::size_t expected_size) {
  const unsigned long long content_size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (content_size == ZSTD_CONTENTSIZE_ERROR || content_size == ZSTD_CONTENTSIZE_UNKNOWN ||
      content_size != expected_size) {
    throw std::runtime_error("stored config is damaged: zstd frame does not hold the expected " +
                             std::to_string(expected_size) + " bytes");
  }
}

}  // namespace

std::string zstd_compress(std::string_view raw, int level) {
  std::string frame(ZSTD_compressBound(raw.size()), '\0');
  const std::size_t written = ZSTD_compress(frame.data(), frame.size(), raw.data(), raw.size(), level);
  check(written, "zstd compression");
  frame.resize(written);
  return frame;
}

std::string zstd_decompress(std::string_view frame, std::size_t expected_size) {
  check_frame_size(frame, expected_size);
  std::string raw(expected_size, '\0');
  const std::size_t read = ZSTD_decompress(raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(read) != 0U || read != expected_size) {
    throw std::runtime_error("stored config is damaged: zstd decompression failed");
  }
  return raw;
}

std::string zstd_compress_with_prefix(std::string_view raw, std::string_view prefix, int level) {
  const std::unique_ptr<ZSTD_CCtx, CctxFree> cctx(ZSTD_createCCtx());
  if (!cctx) {
    throw std::runtime_error("zstd compression failed: out of memory");
  }
  // The window must reach back over the whole prefix for its matches to count. 2^27 is
  // what a decoder accepts by default; configs are far smaller.
  const std::size_t span = std::max<std::size_t>(prefix.size() + raw.size(), 1024);
  const int window_log = std::min(27, std::max(10, static_cast<int>(std::bit_width(span))));
  check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level), "zstd setup");
  check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_windowLog, window_log), "zstd setup");
  check(ZSTD_CCtx_refPrefix(cctx.get(), prefix.data(), prefix.size()), "zstd setup");
  std::string frame(ZSTD_compressBound(raw.size()), '\0');
  const std::size_t written = ZSTD_compress2(cctx.get(), frame.data(), frame.size(), raw.data(), raw.size());
  check(written, "zstd compression");
  frame.resize(written);
  return frame;
}

std::string zstd_decompress_with_prefix(std::string_view frame, std::size_t expected_size, std::string_view prefix) {
  check_frame_size(frame, expected_size);
  const std::unique_ptr<ZSTD_DCtx, DctxFree> dctx(ZSTD_createDCtx());
  if (!dctx) {
    throw std::runtime_error("zstd decompression failed: out of memory");
  }
  check(ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, 27), "zstd setup");
  check(ZSTD_DCtx_refPrefix(dctx.get(), prefix.data(), prefix.size()), "zstd setup");
  std::string raw(expected_size, '\0');
  const std::size_t read = ZSTD_decompressDCtx(dctx.get(), raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(read) != 0U || read != expected_size) {
    throw std::runtime_error("stored config is damaged: zstd delta decompression failed");
  }
  return raw;
}

}  // namespace nbsync::storage::detail
