#include "types/pattern.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>
#include <stdexcept>

namespace nbsync {
namespace {

// Match data is per thread and reused: patterns are shared by all workers.
pcre2_match_data* thread_match_data() {
  struct Holder {
    pcre2_match_data* data = pcre2_match_data_create(32, nullptr);
    ~Holder() { pcre2_match_data_free(data); }
  };
  thread_local Holder holder;
  return holder.data;
}

}  // namespace

struct Pattern::Code {
  pcre2_code* code = nullptr;
};

Pattern::Pattern() = default;

Pattern::~Pattern() {
  if (m_code != nullptr) {
    pcre2_code_free(m_code->code);
    delete m_code;
  }
}

Pattern::Pattern(Pattern&& other) noexcept : m_source(std::move(other.m_source)), m_code(other.m_code) {
  other.m_code = nullptr;
}

Pattern& Pattern::operator=(Pattern&& other) noexcept {
  if (this != &other) {
    this->~Pattern();
    m_source = std::move(other.m_source);
    m_code = other.m_code;
    other.m_code = nullptr;
  }
  return *this;
}

Pattern Pattern::compile(std::string_view source) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  // Byte mode, not PCRE2_UTF: device output is not always valid UTF-8 (a Latin-1 banner or
  // description), and UTF matching of invalid text is undefined (it garbled masked lines).
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(), PCRE2_MULTILINE, &error,
                                   &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw std::invalid_argument("bad pattern '" + std::string(source) + "' at offset " + std::to_string(offset) + ": " +
                                reinterpret_cast<const char*>(message));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter when JIT is unavailable
  Pattern pattern;
  pattern.m_source = std::string(source);
  pattern.m_code = new Code{code};
  return pattern;
}

bool Pattern::search(std::string_view text) const {
  if (m_code == nullptr) {
    return false;
  }
  const int rc = pcre2_match(m_code->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                             thread_match_data(), nullptr);
  return rc >= 0;
}

int Pattern::replace_all(std::string& text, std::string_view replacement) const {
  if (m_code == nullptr) {
    return 0;
  }
  // One pass: pcre2_substitute finds the matches itself (no search first). The output
  // buffer is not initialised: most masks match nothing and it is thrown away.
  PCRE2_SIZE capacity = text.size() + 256;
  for (int round = 0; round < 2; ++round) {
    const std::unique_ptr<PCRE2_UCHAR[]> out(new PCRE2_UCHAR[capacity]);
    PCRE2_SIZE out_length = capacity;
    const int rc =
        pcre2_substitute(m_code->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
                         PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, nullptr, nullptr,
                         reinterpret_cast<PCRE2_SPTR>(replacement.data()), replacement.size(), out.get(), &out_length);
    if (rc == PCRE2_ERROR_NOMEMORY) {
      capacity = out_length;  // the length it needs; try once more
      continue;
    }
    if (rc <= 0) {
      return 0;  // no match (or an error): the text stays as it is
    }
    text.assign(reinterpret_cast<const char*>(out.get()), out_length);
    return rc;
  }
  return 0;
}

}  // namespace nbsync
