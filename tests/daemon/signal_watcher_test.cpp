#include "daemon/signal_watcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

namespace nbsync::daemon {
namespace {

using namespace std::chrono_literals;

TEST(SignalWatcher, NoSignalTimesOutWithNone) {
  SignalWatcher watcher;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(watcher.wait(30ms), SignalEvent::none);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 30ms);
  EXPECT_EQ(watcher.poll_now(), SignalEvent::none);
}

TEST(SignalWatcher, HangupMeansReload) {
  SignalWatcher watcher;
  ASSERT_EQ(raise(SIGHUP), 0);
  EXPECT_EQ(watcher.wait(1s), SignalEvent::reload);
  EXPECT_EQ(watcher.poll_now(), SignalEvent::none) << "the event is consumed once";
}

TEST(SignalWatcher, TermAndIntMeanStop) {
  SignalWatcher watcher;
  ASSERT_EQ(raise(SIGTERM), 0);
  EXPECT_EQ(watcher.poll_now(), SignalEvent::stop);
  ASSERT_EQ(raise(SIGINT), 0);
  EXPECT_EQ(watcher.wait(1s), SignalEvent::stop);
}

TEST(SignalWatcher, StopWinsOverPendingReload) {
  SignalWatcher watcher;
  ASSERT_EQ(raise(SIGHUP), 0);
  ASSERT_EQ(raise(SIGTERM), 0);
  ASSERT_EQ(raise(SIGHUP), 0);
  EXPECT_EQ(watcher.wait(1s), SignalEvent::stop);
  EXPECT_EQ(watcher.poll_now(), SignalEvent::none);
}

TEST(SignalWatcher, ManySignalsBeyondThePipeSizeStillReportStop) {
  SignalWatcher watcher;
  for (int i = 0; i < 70000; ++i) {  // more bytes than a default 64 KiB pipe holds
    raise(SIGHUP);
  }
  raise(SIGTERM);
  EXPECT_EQ(watcher.wait(1s), SignalEvent::stop);
}

TEST(SignalWatcher, FdBecomesReadableForAnotherLoop) {
  SignalWatcher watcher;
  pollfd pfd{watcher.fd(), POLLIN, 0};
  EXPECT_EQ(poll(&pfd, 1, 0), 0);
  ASSERT_EQ(raise(SIGHUP), 0);
  ASSERT_EQ(poll(&pfd, 1, 1000), 1);
  EXPECT_TRUE(pfd.revents & POLLIN);
  EXPECT_EQ(watcher.poll_now(), SignalEvent::reload);
  EXPECT_EQ(poll(&pfd, 1, 0), 0) << "poll_now drains the pipe";
}

TEST(SignalWatcher, PipeIsNonBlockingAndCloseOnExec) {
  SignalWatcher watcher;
  EXPECT_TRUE(fcntl(watcher.fd(), F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(fcntl(watcher.fd(), F_GETFD) & FD_CLOEXEC);
}

TEST(SignalWatcher, HandlerKeepsErrno) {
  SignalWatcher watcher;
  errno = EDOM;
  raise(SIGHUP);
  EXPECT_EQ(errno, EDOM);
  EXPECT_EQ(watcher.poll_now(), SignalEvent::reload);
}

TEST(SignalWatcher, WakesWhenASignalComesFromAnotherThread) {
  SignalWatcher watcher;
  std::thread sender([] {
    std::this_thread::sleep_for(50ms);
    kill(getpid(), SIGTERM);
  });
  const auto event = watcher.wait(10s);
  sender.join();
  EXPECT_EQ(event, SignalEvent::stop);
}

std::atomic<int> g_previous_hups{0};
extern "C" void count_hup(int) {
  g_previous_hups.fetch_add(1);
}

TEST(SignalWatcher, DestructorRestoresPreviousHandlers) {
  struct sigaction counting {};
  counting.sa_handler = count_hup;
  sigemptyset(&counting.sa_mask);
  struct sigaction original {};
  ASSERT_EQ(sigaction(SIGHUP, &counting, &original), 0);
  {
    SignalWatcher watcher;
    raise(SIGHUP);
    EXPECT_EQ(g_previous_hups.load(), 0) << "the watcher's handler replaced the previous one";
    EXPECT_EQ(watcher.poll_now(), SignalEvent::reload);
  }
  raise(SIGHUP);
  EXPECT_EQ(g_previous_hups.load(), 1) << "the previous handler is back";
  sigaction(SIGHUP, &original, nullptr);
}

TEST(SignalWatcher, OnlyOneAtATime) {
  {
    SignalWatcher first;
    EXPECT_THROW(SignalWatcher second, std::logic_error);
    raise(SIGHUP);
    EXPECT_EQ(first.poll_now(), SignalEvent::reload) << "the failed second one left the first working";
  }
  SignalWatcher again;  // the first one's end frees the slot
  EXPECT_EQ(again.poll_now(), SignalEvent::none);
}

TEST(SignalWatcher, EventNames) {
  EXPECT_EQ(to_string(SignalEvent::none), "none");
  EXPECT_EQ(to_string(SignalEvent::reload), "reload");
  EXPECT_EQ(to_string(SignalEvent::stop), "stop");
}

}  // namespace
}  // namespace nbsync::daemon
