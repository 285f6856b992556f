#include "backup/detail/prompt_reader.hpp"

#include <libssh/libssh.h>

#include <algorithm>

#include "backup/config_normalizer.hpp"

namespace nbsync::backup::detail {
namespace {

using std::chrono::milliseconds;

// How often a read looks at the stop token while it waits.
constexpr milliseconds k_abandon_check{200};
// Most bytes one read takes from the channel. Reads go straight into the buffer: a scratch
// array on the stack would stay resident in every worker thread's stack for its whole life
// (bench/results.md, "where nbsync's memory goes").
constexpr std::size_t k_chunk = 16384;

}  // namespace

std::string tail_line(std::string_view buffer) {
  std::string_view window = buffer.substr(buffer.size() > 4096 ? buffer.size() - 4096 : 0);
  const auto newline = window.rfind('\n');
  if (newline != std::string_view::npos) {
    window.remove_prefix(newline + 1);
  }
  return clean_terminal_line(window.substr(window.size() > 512 ? window.size() - 512 : 0));
}

struct PromptReader::Timing {
  Clock::time_point deadline;
  Clock::time_point quiet_since;  // the last data, or the start
};

PromptReader::PromptReader(ssh_channel_struct* channel, const PlatformProfile& profile, std::stop_token abandon,
                           MemoryLease* memory)
    : m_channel(channel), m_profile(profile), m_abandon(std::move(abandon)), m_memory(memory) {}

ReadStop PromptReader::read(const ReadGoal& goal) {
  Timing timing{Clock::now() + goal.total, Clock::now()};
  while (true) {
    // More output already waiting means the device is not waiting for us: its last line
    // cannot be a prompt or a question yet, so it is only looked at once the data stops.
    // (This keeps a config that arrives in hundreds of packets from costing a line
    // cleanup and the prompt patterns per packet.)
    const int waiting = ssh_channel_poll(m_channel, 0);
    if (waiting == SSH_ERROR) {
      return failed();
    }
    if (waiting > 0 && !m_abandon.stop_requested() && Clock::now() < timing.deadline) {
      const std::size_t before = m_buffer.size();
      if (auto stop = read_chunk(goal.limit, static_cast<std::size_t>(waiting), timing)) {
        return *stop;
      }
      if (m_buffer.size() > before) {
        timing.quiet_since = Clock::now();
        continue;
      }  // nothing after all: wait below, as when nothing was waiting
    }
    const std::string tail = tail_line(m_buffer);
    if (!tail.empty()) {
      if (goal.answer_pager && !m_profile.more.empty() && m_profile.more.search(tail)) {
        if (!answer_pager()) {
          return failed();
        }
        continue;
      }
      // A prompt is the last thing a device sends before it waits: if more is already
      // there, the line only looked like one (a banner line, say).
      if (waiting == 0 && is_prompt(tail)) {
        return {ReadEnd::prompt, {}};
      }
      if (goal.question != nullptr && goal.question->search(tail)) {
        return {ReadEnd::question, {}};
      }
    }
    if (auto stop = wait_for_data(goal, !tail.empty(), timing)) {
      return *stop;
    }
  }
}

// Waits until data arrives, the read goes quiet for too long, its deadline passes, or it is
// time to look at the stop token again; reads what arrived. None: read on.
std::optional<ReadStop> PromptReader::wait_for_data(const ReadGoal& goal, bool unknown_line, Timing& timing) {
  if (m_abandon.stop_requested()) {
    return ReadStop{ReadEnd::abandoned, {}};
  }
  const auto now = Clock::now();
  if (now >= timing.deadline) {
    return ReadStop{ReadEnd::deadline, {}};
  }
  const bool settling = goal.settle.count() > 0 && unknown_line;
  const auto quiet_limit = settling ? std::min(goal.idle, goal.settle) : goal.idle;
  auto wait =
      std::chrono::duration_cast<milliseconds>(std::min(timing.deadline, timing.quiet_since + quiet_limit) - now);
  if (m_abandon.stop_possible()) {
    wait = std::min(wait, k_abandon_check);  // wake up to see whether to give up
  }
  const int available = ssh_channel_poll_timeout(m_channel, static_cast<int>(std::max<long long>(1, wait.count())), 0);
  if (available == SSH_EOF) {
    return ReadStop{ReadEnd::eof, {}};
  }
  if (available == SSH_ERROR) {
    return failed();
  }
  if (available == 0) {
    const auto after = Clock::now();
    if (after >= timing.deadline) {
      return ReadStop{ReadEnd::deadline, {}};
    }
    if (after >= timing.quiet_since + quiet_limit) {
      return ReadStop{ReadEnd::idle, {}};
    }
    return std::nullopt;
  }
  if (auto stop = read_chunk(goal.limit, static_cast<std::size_t>(available), timing)) {
    return stop;
  }
  timing.quiet_since = Clock::now();
  return std::nullopt;
}

// Appends what the channel has ready (one read of up to `waiting` bytes, at most k_chunk) to
// the buffer; a stop when the read ended the wait (an error, the end of the stream, more than
// `limit` bytes in the buffer).
std::optional<ReadStop> PromptReader::read_chunk(std::size_t limit, std::size_t waiting, Timing& timing) {
  const std::size_t want = std::clamp<std::size_t>(waiting, 1, k_chunk);
  if (m_memory != nullptr) {
    milliseconds waited{0};
    if (!m_memory->take(want, m_abandon, waited)) {
      return ReadStop{ReadEnd::abandoned, {}};
    }
    timing.deadline += waited;  // nbsync's wait, not the device's
    timing.quiet_since += waited;
  }
  const int n = append_from_channel(want);
  if (m_memory != nullptr) {
    m_memory->give_back(want - static_cast<std::size_t>(std::max(n, 0)));
  }
  if (n == SSH_ERROR) {
    return failed();
  }
  if (n == SSH_EOF) {
    return ReadStop{ReadEnd::eof, {}};
  }
  if (m_buffer.size() > limit) {
    return ReadStop{ReadEnd::too_large, {}};
  }
  return std::nullopt;
}

int PromptReader::append_from_channel(std::size_t want) {
  const std::size_t before = m_buffer.size();
  m_buffer.resize(before + want);
  const int n = ssh_channel_read_nonblocking(m_channel, m_buffer.data() + before, static_cast<std::uint32_t>(want), 0);
  m_buffer.resize(before + static_cast<std::size_t>(std::max(n, 0)));
  m_bytes_read += static_cast<std::size_t>(std::max(n, 0));
  return n;
}

void PromptReader::drain() {
  int waiting = 0;
  while ((waiting = ssh_channel_poll(m_channel, 0)) > 0 &&
         append_from_channel(std::min(static_cast<std::size_t>(waiting), k_chunk)) > 0) {
  }
}

bool PromptReader::more_within(milliseconds wait) {
  return ssh_channel_poll_timeout(m_channel, static_cast<int>(wait.count()), 0) != 0;
}

// Drops the pager's line and sends a space; false when the write failed.
bool PromptReader::answer_pager() {
  const auto newline = m_buffer.rfind('\n');
  m_buffer.erase(newline == std::string::npos ? 0 : newline + 1);
  return ssh_channel_write(m_channel, " ", 1) == 1;
}

bool PromptReader::is_prompt(const std::string& tail) const {
  if (!m_prompt.empty()) {
    return tail == m_prompt || (m_profile.prompt.search(tail) && tail.starts_with(m_prompt_stem));
  }
  return m_profile.prompt.search(tail);
}

void PromptReader::learn_prompt() {
  m_prompt = tail_line(m_buffer);
  const auto mode = m_prompt.find_last_of(">#%$]");
  m_prompt_stem = m_prompt.substr(0, std::max<std::size_t>(1, mode == std::string::npos ? m_prompt.size() : mode));
}

std::string PromptReader::take_buffer() {
  std::string taken = std::move(m_buffer);
  m_buffer.clear();
  return taken;
}

ReadStop PromptReader::failed() const {
  return {ReadEnd::error, ssh_get_error(ssh_channel_get_session(m_channel))};
}

}  // namespace nbsync::backup::detail
