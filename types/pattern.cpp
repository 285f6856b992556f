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

// `template_text` expanded for the match in `match_data` ($1, ${name}), nothing else.
std::string expand(pcre2_code* code, std::string_view subject, pcre2_match_data* match_data,
                   std::string_view template_text) {
  if (template_text.empty()) {
    return {};
  }
  PCRE2_SIZE capacity = template_text.size() + 256;
  for (int round = 0; round < 2; ++round) {
    const std::unique_ptr<PCRE2_UCHAR[]> out(new PCRE2_UCHAR[capacity]);
    PCRE2_SIZE out_length = capacity;
    const int rc = pcre2_substitute(
        code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
        PCRE2_SUBSTITUTE_MATCHED | PCRE2_SUBSTITUTE_REPLACEMENT_ONLY | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, match_data,
        nullptr, reinterpret_cast<PCRE2_SPTR>(template_text.data()), template_text.size(), out.get(), &out_length);
    if (rc == PCRE2_ERROR_NOMEMORY) {
      capacity = out_length;
      continue;
    }
    return rc < 0 ? std::string() : std::string(reinterpret_cast<const char*>(out.get()), out_length);
  }
  return {};
}

// The part of `match` that `before` and `after` do not frame; all of it when they do not.
std::string_view framed_part(std::string_view match, std::string_view before, std::string_view after) {
  if (before.size() + after.size() <= match.size() && match.starts_with(before) && match.ends_with(after)) {
    return match.substr(before.size(), match.size() - before.size() - after.size());
  }
  return match;
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

int Pattern::replace_all_marked(std::string& text, std::string_view replacement, std::string_view placeholder,
                                const std::function<std::string(std::string_view removed)>& mark) const {
  const std::size_t at = placeholder.empty() ? std::string_view::npos : replacement.find(placeholder);
  if (m_code == nullptr || at == std::string_view::npos) {
    return replace_all(text, replacement);
  }
  const std::string_view before_template = replacement.substr(0, at);
  const std::string_view after_template = replacement.substr(at + placeholder.size());
  pcre2_match_data* match_data = thread_match_data();
  std::string out;
  std::size_t copied = 0;  // text before this offset is in `out`
  std::size_t from = 0;
  int count = 0;
  while (from <= text.size()) {
    const int rc =
        pcre2_match(m_code->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), from, 0, match_data, nullptr);
    if (rc < 0) {
      break;
    }
    const PCRE2_SIZE* span = pcre2_get_ovector_pointer(match_data);
    const std::size_t start = span[0];
    const std::size_t end = span[1];
    if (end < start || start < copied) {
      break;  // \K in a lookaround: not a usable match
    }
    const std::string before = expand(m_code->code, text, match_data, before_template);
    const std::string after = expand(m_code->code, text, match_data, after_template);
    out.append(text, copied, start - copied);
    out.append(before).append(mark(framed_part(std::string_view(text).substr(start, end - start), before, after)));
    out.append(after);
    copied = end;
    ++count;
    from = end > start ? end : end + 1;  // an empty match moves on by one byte
  }
  if (count > 0) {
    out.append(text, copied, std::string::npos);
    text = std::move(out);
  }
  return count;
}

}  // namespace nbsync
