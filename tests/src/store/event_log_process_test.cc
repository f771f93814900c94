// The log shared with other processes: a writer killed mid-append, a second
// writer appending concurrently, a reader that died holding its slot. Every
// child is forked before the parent opens anything, and talks through pipes.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <thread>

#include "src/store/event_log.h"
#include "tests/src/store/log_test_support.h"

namespace kraken {
namespace {

using testing::MarkedBatch;
using testing::MarkedEvent;
using testing::MarkerOf;
using testing::OpenOrDie;
using testing::TempDir;

// What a child reports after Append returned. Smaller than PIPE_BUF, so writes
// from several threads never interleave.
struct Ack {
  std::uint64_t seq = 0;  // 0: the append failed; `marker` holds the message
  char marker[56] = {};
};

void WriteAll(int fd, const void* data, std::size_t size) {
  if (write(fd, data, size) != static_cast<ssize_t>(size)) _exit(3);
}

bool ReadAll(int fd, void* data, std::size_t size) {
  auto* out = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = read(fd, out, size);
    if (n <= 0) return false;
    out += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Child: appends forever from four threads, acknowledging each durable append.
[[noreturn]] void AppendUntilKilled(const std::string& dir, int round, int ack_fd) {
  auto log = EventLog::Open(dir);
  if (!log.ok()) {
    Ack ack;
    std::strncpy(ack.marker, log.error().message.c_str(), sizeof(ack.marker) - 1);
    WriteAll(ack_fd, &ack, sizeof(ack));
    _exit(2);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        Ack ack;
        std::snprintf(ack.marker, sizeof(ack.marker), "round%d-thread%d-%d", round, t, i);
        AppendRequest request;
        request.events.push_back(MarkedEvent("Pilot " + std::to_string(t), ack.marker));
        auto result = (*log)->Append(std::move(request));
        if (result.ok()) {
          ack.seq = result->first_seq;
        } else {
          std::strncpy(ack.marker, result.error().message.c_str(), sizeof(ack.marker) - 1);
        }
        WriteAll(ack_fd, &ack, sizeof(ack));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  _exit(0);
}

TEST(EventLogProcessTest, ChildKilledDuringAppendsLosesNoAcknowledgedEvent) {
  TempDir dir;
  std::map<std::uint64_t, std::string> acknowledged;  // over all rounds
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      AppendUntilKilled(dir.path(), round, fds[1]);
    }
    close(fds[1]);
    int this_round = 0;
    Ack ack;
    while (this_round < 200 && ReadAll(fds[0], &ack, sizeof(ack))) {
      ASSERT_NE(ack.seq, 0u) << "the child's append failed: " << ack.marker;
      acknowledged[ack.seq] = ack.marker;
      ++this_round;
    }
    ASSERT_EQ(this_round, 200) << "the child stopped acknowledging";
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    // Acks already in the pipe were acknowledged too.
    while (ReadAll(fds[0], &ack, sizeof(ack))) {
      if (ack.seq != 0) acknowledged[ack.seq] = ack.marker;
    }
    close(fds[0]);

    auto log = OpenOrDie(dir.path());
    EXPECT_GE(*log->Head(), acknowledged.rbegin()->first);
    for (const auto& [seq, marker] : acknowledged) {
      auto event = log->Get(seq);
      ASSERT_TRUE(event.ok()) << "round " << round << ": " << event.error().message;
      EXPECT_EQ(MarkerOf(*event), marker) << "event " << seq;
    }
    auto report = log->Verify();
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  }
}

TEST(EventLogProcessTest, AnotherProcessAppendsAreSeen) {
  TempDir dir;
  EventLog::Options options;
  options.initial_map_bytes = 1 << 20;  // the child's appends outgrow it
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(go[1]);
    char byte;
    if (read(go[0], &byte, 1) != 1) _exit(2);
    auto log = EventLog::Open(dir.path(), options);
    if (!log.ok()) _exit(3);
    for (int i = 0; i < 30; ++i) {
      // 30 batches of 10 events of ~4 KB: about 1.2 MB.
      if (!(*log)->Append(MarkedBatch("Child", "c" + std::to_string(i), 10, 4000)).ok()) _exit(4);
    }
    _exit(0);
  }
  close(go[0]);
  auto log = OpenOrDie(dir.path(), options);
  ASSERT_TRUE(log->Append(MarkedBatch("Parent", "first", 1)).ok());
  ASSERT_EQ(write(go[1], "g", 1), 1);
  close(go[1]);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(log->Append(MarkedBatch("Parent", "p" + std::to_string(i), 1)).ok());
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;

  EXPECT_EQ(*log->Head(), 401u);
  EXPECT_EQ(*log->StreamVersion("pilot/Child"), 300u);
  EXPECT_EQ(*log->StreamVersion("pilot/Parent"), 101u);
  std::uint64_t expected = 1;
  std::map<std::string, int> per_stream;
  ASSERT_TRUE(log->Scan(1, UINT64_MAX,
                        [&](const Event& e) {
                          EXPECT_EQ(e.seq, expected++);
                          ++per_stream[e.stream];
                          return true;
                        })
                  .ok());
  EXPECT_EQ(per_stream["pilot/Child"], 300);
  EXPECT_EQ(per_stream["pilot/Parent"], 101);
  auto next = log->Append(MarkedBatch("Parent", "last", 1));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->first_seq, 402u);
  EXPECT_GT(log->Stats()->map_bytes, 1u << 20);
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

TEST(EventLogProcessTest, MapGrownByAnotherProcessIsAdopted) {
  TempDir dir;
  EventLog::Options options;
  options.initial_map_bytes = 1 << 20;
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(go[1]);
    char byte;
    if (read(go[0], &byte, 1) != 1) _exit(2);
    auto log = EventLog::Open(dir.path(), options);
    if (!log.ok()) _exit(3);
    // About 2 MB: the data ends beyond the parent's 1 MB map.
    for (int i = 0; i < 50; ++i) {
      if (!(*log)->Append(MarkedBatch("Child", "c" + std::to_string(i), 10, 4000)).ok()) _exit(4);
    }
    _exit(0);
  }
  close(go[0]);
  auto log = OpenOrDie(dir.path(), options);
  ASSERT_EQ(log->Stats()->map_bytes, 1u << 20);
  ASSERT_EQ(write(go[1], "g", 1), 1);
  close(go[1]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;

  // The first transaction meets MDB_MAP_RESIZED; the log adopts the new size.
  auto head = log->Head();
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(*head, 500u);
  EXPECT_GT(log->Stats()->map_bytes, 2u << 20);
  auto last = log->Get(500);
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_EQ(MarkerOf(*last).substr(0, 5), "c49-9");
  auto next = log->Append(MarkedBatch("Parent", "p", 1));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->first_seq, 501u);
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

TEST(EventLogProcessTest, ReaderSlotsOfDeadProcessesAreClearedOnOpen) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path());
    ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "e", 3)).ok());
  }
  // LMDB resets the reader table when the opener is alone, so a holder keeps
  // the environment open meanwhile; it exits when its pipe closes.
  int hold[2], held[2];
  ASSERT_EQ(pipe(hold), 0);
  ASSERT_EQ(pipe(held), 0);
  const pid_t holder = fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    close(hold[1]);
    close(held[0]);
    auto log = EventLog::Open(dir.path());
    if (!log.ok()) _exit(2);
    WriteAll(held[1], "h", 1);
    char byte;
    while (read(hold[0], &byte, 1) > 0) {
    }
    _exit(0);
  }
  close(hold[0]);
  close(held[1]);
  char byte;
  ASSERT_EQ(read(held[0], &byte, 1), 1);

  int in_scan[2];
  ASSERT_EQ(pipe(in_scan), 0);
  const pid_t reader = fork();
  ASSERT_GE(reader, 0);
  if (reader == 0) {
    close(in_scan[0]);
    close(hold[1]);
    // Report from inside a read transaction, then wait there to be killed.
    testing::RawWithReadTransaction(dir.path(), [&] {
      WriteAll(in_scan[1], "s", 1);
      for (;;) pause();
    });
    _exit(3);
  }
  close(in_scan[1]);
  ASSERT_EQ(read(in_scan[0], &byte, 1), 1);
  ASSERT_EQ(kill(reader, SIGKILL), 0);
  ASSERT_EQ(waitpid(reader, nullptr, 0), reader);
  close(in_scan[0]);

  {
    auto log = OpenOrDie(dir.path());
    EXPECT_EQ(log->Stats()->readers_cleared_on_open, 1u);
    ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "after", 1)).ok());
  }
  close(hold[1]);
  int status = 0;
  ASSERT_EQ(waitpid(holder, &status, 0), holder);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(held[0]);
}

}  // namespace
}  // namespace kraken
