#include "backup/detail/typed_ahead.hpp"

#include "backup/config_normalizer.hpp"

namespace nbsync::backup::detail {
namespace {

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// True when `line`, as a terminal shows it, is `prompt` followed by `echo` (blanks aside).
bool is_prompt_line(std::string_view line, std::string_view prompt, std::string_view echo) {
  const std::string shown = clean_terminal_line(line);
  const std::string_view text = shown;
  return text.starts_with(prompt) && trimmed(text.substr(prompt.size())) == echo;
}

// Where the line that ends the output starting at `from` begins: the first later line
// that is the prompt with `echo`, or the transcript's last, unfinished line when it is the
// bare prompt. npos: none yet. Only lines that hold `echo` (or the last line) are looked
// at closely, so a long config costs one search.
std::size_t end_of_output(std::string_view transcript, std::size_t from, std::string_view prompt,
                          std::string_view echo) {
  for (std::size_t hit = echo.empty() ? std::string_view::npos : transcript.find(echo, from);
       hit != std::string_view::npos; hit = transcript.find(echo, hit + 1)) {
    const auto newline = transcript.rfind('\n', hit);
    const std::size_t start = newline == std::string_view::npos ? 0 : newline + 1;
    const auto end = transcript.find('\n', hit);
    if (start >= from && is_prompt_line(transcript.substr(start, end - start), prompt, echo)) {
      return start;
    }
  }
  const auto newline = transcript.rfind('\n');
  const std::size_t last = newline == std::string_view::npos ? 0 : newline + 1;
  if (last >= from && is_prompt_line(transcript.substr(last), prompt, "")) {
    return last;
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<std::string_view> split_typed_ahead(std::string_view transcript, std::string_view prompt,
                                                const std::vector<std::string>& commands, std::string_view exit) {
  std::vector<std::string_view> outputs;
  const std::string_view bare = trimmed(prompt);
  std::size_t start = 0;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const std::string_view next = i + 1 < commands.size() ? std::string_view(commands[i + 1]) : exit;
    // The output holds at least its own echo line: the prompt that ends it comes after.
    const auto echo_end = transcript.find('\n', start);
    if (echo_end == std::string_view::npos) {
      break;
    }
    const std::size_t end = end_of_output(transcript, echo_end + 1, bare, next);
    if (end == std::string_view::npos) {
      break;
    }
    outputs.push_back(transcript.substr(start, end - start));
    start = end;
  }
  return outputs;
}

}  // namespace nbsync::backup::detail
