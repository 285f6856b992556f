// PromptReader: the last line as a terminal shows it (pure), and reads of the lab's devices
// over real SSH: the prompt found, the pager answered, and each other reason a read stops
// (a question, silence, a deadline, too many bytes, a stop request, a dropped connection).
#include "backup/detail/prompt_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libssh/libssh.h>

#include <thread>

#include "backup/detail/ssh_transport.hpp"
#include "tests/backup/session_lab.hpp"

namespace nbsync::backup::detail {
namespace {

using namespace std::chrono_literals;

using test::lab_credentials;
using test::SessionLab;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEST(TailLine, IsTheUnfinishedLastLine) {
  EXPECT_EQ(tail_line("Building configuration...\r\nrtr-01#"), "rtr-01#");
  EXPECT_EQ(tail_line("rtr-01#"), "rtr-01#");
  EXPECT_EQ(tail_line("line\n"), "");
  EXPECT_EQ(tail_line(""), "");
}

TEST(TailLine, ShowsTheLineAsATerminalDoes) {
  EXPECT_EQ(tail_line("x\n\x1b[7m --More-- \x1b[m"), " --More--");
  EXPECT_EQ(tail_line("x\n --More-- \r          \rrtr-01#"), "rtr-01#");
  EXPECT_EQ(tail_line("x\nrtr-01#\b\b\b01#"), "rtr-01#");
}

TEST(TailLine, LooksOnlyAtTheLast512BytesOfTheLastFourKilobytes) {
  const std::string long_line(10000, 'a');
  EXPECT_EQ(tail_line(long_line + "rtr-01#"), std::string(505, 'a') + "rtr-01#");
  // A newline more than 4 KB back is not seen: the window starts mid-line.
  EXPECT_EQ(tail_line("before\n" + std::string(5000, 'b')), std::string(512, 'b'));
}

// A logged-in shell on a pty on one of the lab's devices, and a reader on it.
class LabShell {
public:
  LabShell(SessionLab& lab, const std::string& platform, std::stop_token abandon = {}, MemoryLease* memory = nullptr)
      : m_device(lab.device(platform)),
        m_profile(lab.profile(platform)),
        m_transport(m_device, m_profile, m_credentials, m_limits, "test") {
    test::FixedVerifier verifier;
    if (auto problem = m_transport.open(verifier)) {
      throw std::runtime_error(problem->message);
    }
    m_channel = m_transport.open_channel();
    if (m_channel.get() == nullptr || ssh_channel_request_pty_size(m_channel.get(), "vt100", 511, 24) != SSH_OK ||
        ssh_channel_request_shell(m_channel.get()) != SSH_OK) {
      throw std::runtime_error("no shell: " + m_transport.error());
    }
    reader.emplace(m_channel.get(), m_profile, std::move(abandon), memory);
  }

  const inventory::Device& device() const { return m_device; }
  const PlatformProfile& profile() const { return m_profile; }
  void send(const std::string& line) {
    reader->clear();
    const std::string data = line + "\n";
    ASSERT_EQ(ssh_channel_write(m_channel.get(), data.data(), static_cast<uint32_t>(data.size())),
              static_cast<int>(data.size()));
  }
  // Reads up to the first prompt and learns it.
  void log_in() {
    ASSERT_EQ(reader->read(login_goal()).end, ReadEnd::prompt) << reader->buffer();
    reader->learn_prompt();
  }
  // Logs in, turns paging off and sends show running-config.
  void show_config_unpaged() {
    log_in();
    send("terminal length 0");
    ASSERT_EQ(reader->read(login_goal()).end, ReadEnd::prompt);
    send("show running-config");
  }
  static ReadGoal login_goal() { return {.idle = 5s, .total = 10s, .limit = 1 << 20, .answer_pager = true}; }

  std::optional<PromptReader> reader;

private:
  const inventory::Device& m_device;
  const PlatformProfile& m_profile;
  Credentials m_credentials = lab_credentials();
  SessionLimits m_limits = test::quick_limits();
  SshTransport m_transport;
  SshChannel m_channel;
};

TEST(PromptReader, FindsAndLearnsTheFirstPrompt) {
  SessionLab lab;
  LabShell shell(lab, "cisco-nxos");
  const auto stop = shell.reader->read(LabShell::login_goal());
  ASSERT_EQ(stop.end, ReadEnd::prompt) << shell.reader->buffer();
  shell.reader->learn_prompt();
  EXPECT_EQ(shell.reader->prompt(), shell.device().name + "#");
  EXPECT_EQ(shell.reader->bytes_read(), shell.reader->buffer().size());
}

TEST(PromptReader, AReadTakesFromTheMemoryBudgetOnlyTheBytesWaitingNotAWholeChunk) {
  SessionLab lab;
  MemoryBudget budget(4096);  // less than one 16 KiB read chunk
  MemoryLease older(&budget);
  std::chrono::milliseconds waited{0};
  ASSERT_TRUE(older.take(1024, {}, waited));  // the oldest holder: this session must fit beside it
  std::stop_source give_up;
  std::jthread timer([&give_up](std::stop_token stop) {
    for (int i = 0; i < 100 && !stop.stop_requested(); ++i) {
      std::this_thread::sleep_for(50ms);
    }
    give_up.request_stop();  // a read that waits for bytes the budget never frees ends here
  });
  MemoryLease lease(&budget);
  LabShell shell(lab, "cisco-nxos", give_up.get_token(), &lease);
  const auto stop = shell.reader->read(LabShell::login_goal());
  ASSERT_EQ(stop.end, ReadEnd::prompt) << "the prompt's few bytes fit in the budget: no wait";
  EXPECT_EQ(budget.state().waits, 0u);
  EXPECT_EQ(lease.held(), shell.reader->bytes_read()) << "what was read is held, nothing more";
  EXPECT_LE(budget.state().peak, 4096u);
}

TEST(PromptReader, TakesTheLastLineForThePromptNotABannerLineThatLooksLikeOne) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  lab.set_fault(device, "huge_banner");
  LabShell shell(lab, "cisco-ios");
  shell.log_in();
  EXPECT_EQ(shell.reader->prompt(), device.name + ">");
  EXPECT_GT(shell.reader->buffer().size(), 256u * 1024u);
}

TEST(PromptReader, AnswersThePagerAndKeepsNoPagerPrompt) {
  SessionLab lab;
  LabShell shell(lab, "cisco-nxos");
  shell.log_in();
  shell.send("show running-config");  // paging is still on
  const auto stop = shell.reader->read({.idle = 5s, .total = 30s, .limit = 8 << 20, .answer_pager = true});
  ASSERT_EQ(stop.end, ReadEnd::prompt);
  const std::string& text = shell.reader->buffer();
  EXPECT_THAT(text, Not(HasSubstr("--More--")));
  EXPECT_THAT(text, HasSubstr("hostname " + shell.device().name));
  EXPECT_EQ(tail_line(text), shell.device().name + "#");
  EXPECT_GT(text.size(), 24u * 80u) << "more than one page";
}

TEST(PromptReader, WithoutAnsweringThePagerTheReadGoesIdleAtIt) {
  SessionLab lab;
  LabShell shell(lab, "cisco-nxos");
  shell.log_in();
  shell.send("show running-config");
  const auto stop = shell.reader->read({.idle = 500ms, .total = 30s, .limit = 8 << 20});
  EXPECT_EQ(stop.end, ReadEnd::idle);
  EXPECT_THAT(tail_line(shell.reader->buffer()), HasSubstr("--More--"));
}

TEST(PromptReader, StopsAtAQuestion) {
  SessionLab lab;
  LabShell shell(lab, "cisco-ios");
  shell.log_in();
  shell.send("enable");
  const auto stop = shell.reader->read(
      {.idle = 5s, .total = 10s, .limit = 1 << 20, .question = &shell.profile().enable_password_prompt});
  EXPECT_EQ(stop.end, ReadEnd::question);
  EXPECT_EQ(tail_line(shell.reader->buffer()), "Password:");
}

TEST(PromptReader, AnUnknownLastLineThatSitsStillEndsTheReadAfterTheSettleTime) {
  SessionLab lab;
  lab.set_fault(lab.device("cisco-ios"), "unexpected_prompt");
  LabShell shell(lab, "cisco-ios");
  const auto start = Clock::now();
  const auto stop = shell.reader->read({.idle = 20s, .total = 20s, .limit = 1 << 20, .settle = 500ms});
  EXPECT_EQ(stop.end, ReadEnd::idle);
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(tail_line(shell.reader->buffer()), "Selection [1-3]:");
}

TEST(PromptReader, SilenceMidOutputEndsTheReadAsIdle) {
  SessionLab lab;
  lab.set_fault(lab.device("cisco-nxos"), "hang_mid_config");
  LabShell shell(lab, "cisco-nxos");
  shell.log_in();
  shell.send("show running-config");
  const auto start = Clock::now();
  const auto stop = shell.reader->read({.idle = 500ms, .total = 20s, .limit = 8 << 20, .answer_pager = true});
  EXPECT_EQ(stop.end, ReadEnd::idle);
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_THAT(shell.reader->buffer(), HasSubstr("hostname"));
}

TEST(PromptReader, SlowOutputPastTheDeadlineEndsTheRead) {
  SessionLab lab;
  lab.set_fault(lab.device("cisco-nxos"), "trickle");
  LabShell shell(lab, "cisco-nxos");
  shell.log_in();
  shell.send("show running-config");
  const auto start = Clock::now();
  const auto stop = shell.reader->read({.idle = 5s, .total = 1s, .limit = 8 << 20, .answer_pager = true});
  EXPECT_EQ(stop.end, ReadEnd::deadline);
  EXPECT_GE(Clock::now() - start, 1s);
  EXPECT_LT(Clock::now() - start, 4s);
}

TEST(PromptReader, MoreThanTheLimitEndsTheRead) {
  SessionLab lab;
  lab.set_fault(lab.device("cisco-nxos"), "flood");
  LabShell shell(lab, "cisco-nxos");
  shell.show_config_unpaged();
  const auto stop = shell.reader->read({.idle = 5s, .total = 30s, .limit = 200000, .answer_pager = true});
  EXPECT_EQ(stop.end, ReadEnd::too_large);
  EXPECT_GT(shell.reader->buffer().size(), 200000u);
  EXPECT_LE(shell.reader->buffer().size(), 200000u + 16384u) << "one chunk past the limit at most";
}

TEST(PromptReader, AStopRequestEndsAWaitWithinAFewHundredMilliseconds) {
  SessionLab lab;
  lab.set_fault(lab.device("cisco-nxos"), "hang_after_login");
  std::stop_source stop_source;
  LabShell shell(lab, "cisco-nxos", stop_source.get_token());
  std::jthread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop_source.request_stop();
  });
  const auto start = Clock::now();
  const auto stop = shell.reader->read({.idle = 20s, .total = 20s, .limit = 1 << 20});
  EXPECT_EQ(stop.end, ReadEnd::abandoned);
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST(PromptReader, ADroppedConnectionEndsTheRead) {
  SessionLab lab;
  lab.set_fault(lab.device("cisco-nxos"), "close_mid_config");
  LabShell shell(lab, "cisco-nxos");
  shell.show_config_unpaged();
  const auto stop = shell.reader->read({.idle = 10s, .total = 20s, .limit = 8 << 20, .answer_pager = true});
  EXPECT_TRUE(stop.end == ReadEnd::eof || stop.end == ReadEnd::error) << static_cast<int>(stop.end);
  EXPECT_THAT(shell.reader->buffer(), HasSubstr("hostname"));
}

}  // namespace
}  // namespace nbsync::backup::detail
