#pragma once
// Reads what a device prints on one channel into a buffer until a ReadGoal is met, and says
// why it stopped (ReadEnd). The last line is looked at only when no more data is waiting (a
// prompt is the last thing a device sends), so a config in many packets costs one buffer
// append per packet. Answering the pager leaves the buffer at a line start. One thread.
#include <chrono>
#include <cstddef>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "backup/memory_budget.hpp"
#include "backup/platform_profile.hpp"

struct ssh_channel_struct;  // libssh's ssh_channel points to this

namespace nbsync::backup::detail {

// The text of the current, unfinished line at the end of `buffer`, as a terminal shows it
// (clean_terminal_line). Only the last 4 KB are looked at, and of that line its last 512
// bytes, so a flood without line breaks stays cheap.
std::string tail_line(std::string_view buffer);

// What a read waits for. It always ends at the prompt (the profile's, or the learned one).
struct ReadGoal {
  std::chrono::milliseconds idle{};     // this long without data ends the read (idle)
  std::chrono::milliseconds total{};    // the whole read (deadline)
  std::size_t limit = 0;                // more bytes than this in the buffer end it (too_large)
  bool answer_pager = false;            // answer the profile's `more` prompt with a space
  const Pattern* question = nullptr;    // a last line this matches ends the read (question)
  std::chrono::milliseconds settle{0};  // > 0: an unknown last line unchanged this long ends the read (idle)
};

// Why a read stopped.
enum class ReadEnd { prompt, question, eof, idle, deadline, too_large, error, abandoned };

struct ReadStop {
  ReadEnd end;
  std::string error;  // libssh's message (error only)
};

class PromptReader {
public:
  // `channel` and `profile` must outlive the reader. `abandon`: a stop request ends a read
  // within 200 ms (abandoned). `memory` (may be null): each read takes its bytes from it
  // first, and time spent waiting for them does not count against the read's timeouts.
  PromptReader(ssh_channel_struct* channel, const PlatformProfile& profile, std::stop_token abandon,
               MemoryLease* memory = nullptr);

  ReadStop read(const ReadGoal& goal);
  // After the end of the stream: appends what arrived with it, without waiting.
  void drain();
  // True when the device sends something (or ends the stream) within `wait`; reads nothing.
  bool more_within(std::chrono::milliseconds wait);

  // The buffer's last line is the device's prompt from now on (the stem, without its mode
  // character, keeps matching when enable turns > into #).
  void learn_prompt();
  const std::string& prompt() const { return m_prompt; }

  const std::string& buffer() const { return m_buffer; }
  void clear() { m_buffer.clear(); }
  // The buffer, moved out (the reader's is left empty).
  std::string take_buffer();
  // Bytes read from the channel so far, pager prompts included.
  std::size_t bytes_read() const { return m_bytes_read; }

private:
  using Clock = std::chrono::steady_clock;
  struct Timing;
  std::optional<ReadStop> wait_for_data(const ReadGoal& goal, bool unknown_line, Timing& timing);
  std::optional<ReadStop> read_chunk(std::size_t limit, std::size_t waiting, Timing& timing);
  // Reads up to `want` bytes into the end of the buffer; libssh's result (bytes, SSH_EOF, SSH_ERROR).
  int append_from_channel(std::size_t want);
  bool answer_pager();
  bool is_prompt(const std::string& tail) const;
  ReadStop failed() const;

  ssh_channel_struct* m_channel;
  const PlatformProfile& m_profile;
  std::stop_token m_abandon;
  MemoryLease* m_memory;
  std::string m_buffer;
  std::string m_prompt;
  std::string m_prompt_stem;
  std::size_t m_bytes_read = 0;
};

}  // namespace nbsync::backup::detail
