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

// One compression and one decompression context per thread, reset before each use:
// creating them per config cost about a fifth of the time of compressing one.
template <typename Context, typename Free>
Context* thread_context(Context* (*create)(), std::size_t (*reset)(Context*, ZSTD_ResetDirective)) {
  thread_local const std::unique_ptr<Context, Free> context(create());
  if (!context) {
    throw std::runtime_error("zstd failed: out of memory");
  }
  reset(context.get(), ZSTD_reset_session_and_parameters);
  return context.get();
}

ZSTD_CCtx* thread_cctx() {
  return thread_context<ZSTD_CCtx, CctxFree>(ZSTD_createCCtx, ZSTD_CCtx_reset);
}

ZSTD_DCtx* thread_dctx() {
  return thread_context<ZSTD_DCtx, DctxFree>(ZSTD_createDCtx, ZSTD_DCtx_reset);
}

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
  const std::size_t written =
      ZSTD_compressCCtx(thread_cctx(), frame.data(), frame.size(), raw.data(), raw.size(), level);
  check(written, "zstd compression");
  frame.resize(written);
  return frame;
}

std::string zstd_decompress(std::string_view frame, std::size_t expected_size) {
  check_frame_size(frame, expected_size);
  std::string raw(expected_size, '\0');
  const std::size_t read = ZSTD_decompressDCtx(thread_dctx(), raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(read) != 0U || read != expected_size) {
    throw std::runtime_error("stored config is damaged: zstd decompression failed");
  }
  return raw;
}

std::string zstd_compress_with_prefix(std::string_view raw, std::string_view prefix, int level) {
  ZSTD_CCtx* cctx = thread_cctx();
  // The window must reach back over the whole prefix for its matches to count. 2^27 is
  // what a decoder accepts by default; configs are far smaller.
  const std::size_t span = std::max<std::size_t>(prefix.size() + raw.size(), 1024);
  const int window_log = std::min(27, std::max(10, static_cast<int>(std::bit_width(span))));
  check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level), "zstd setup");
  check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log), "zstd setup");
  check(ZSTD_CCtx_refPrefix(cctx, prefix.data(), prefix.size()), "zstd setup");
  std::string frame(ZSTD_compressBound(raw.size()), '\0');
  const std::size_t written = ZSTD_compress2(cctx, frame.data(), frame.size(), raw.data(), raw.size());
  check(written, "zstd compression");
  frame.resize(written);
  return frame;
}

std::string zstd_decompress_with_prefix(std::string_view frame, std::size_t expected_size, std::string_view prefix) {
  check_frame_size(frame, expected_size);
  ZSTD_DCtx* dctx = thread_dctx();
  check(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 27), "zstd setup");
  check(ZSTD_DCtx_refPrefix(dctx, prefix.data(), prefix.size()), "zstd setup");
  std::string raw(expected_size, '\0');
  const std::size_t read = ZSTD_decompressDCtx(dctx, raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(read) != 0U || read != expected_size) {
    throw std::runtime_error("stored config is damaged: zstd delta decompression failed");
  }
  return raw;
}

}  // namespace nbsync::storage::detail
