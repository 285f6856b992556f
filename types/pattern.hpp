#pragma once
// A compiled regular expression (PCRE2, JIT-compiled when the CPU allows) for the
// patterns platform profiles hold: prompts, pagers, end markers, volatile lines, secret
// masks. Matching is thread-safe; a Pattern is immutable after compile(). Patterns match
// bytes (no UTF-8 mode), so any text is safe to match, valid UTF-8 or not; `\S+` takes
// every non-ASCII byte, and a non-ASCII character in a pattern matches its bytes.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace nbsync {

class Pattern {
public:
  // Throws std::invalid_argument with PCRE2's message and the offset of the problem.
  static Pattern compile(std::string_view source);

  Pattern();
  ~Pattern();
  Pattern(Pattern&&) noexcept;
  Pattern& operator=(Pattern&&) noexcept;
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  bool empty() const { return m_code == nullptr; }
  const std::string& source() const { return m_source; }
  // True when the pattern matches somewhere in `text`.
  bool search(std::string_view text) const;
  // Replaces every match in `text` ($1, ${name} refer to groups); returns the count.
  int replace_all(std::string& text, std::string_view replacement) const;
  // Like replace_all, but the first `placeholder` in `replacement` becomes what `mark`
  // returns for the text it stands for: the part of the match between what the rest of
  // `replacement` reproduces ("$1<removed>$2": between group 1 and group 2; the whole match
  // when the rest does not frame it). Without `placeholder` it is replace_all.
  int replace_all_marked(std::string& text, std::string_view replacement, std::string_view placeholder,
                         const std::function<std::string(std::string_view removed)>& mark) const;

private:
  struct Code;
  std::string m_source;
  Code* m_code = nullptr;
};

}  // namespace nbsync
