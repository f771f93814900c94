#include "src/store/log_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "src/store/log_heads.h"
#include "src/store/log_keys.h"
#include "src/store/log_tables.h"

namespace kraken {
namespace {

// Events read per read transaction: short enough not to pin old pages or hold
// off a map resize for long, long enough that beginning transactions is cheap.
constexpr std::size_t kChunkEvents = 1024;
// A range longer than this is decoded by a second thread as well as the calling
// one. A short one (a catch-up of a few events) does not pay for a thread.
constexpr std::uint64_t kPipelineAbove = 2 * kChunkEvents;
// Chunks claimed for decoding and not yet handed to `fn`, at most.
constexpr std::size_t kChunksInFlight = 3;

// A run of decoded events, and what ended it.
struct Chunk {
  std::vector<Event> events;
  bool by_caller = true;         // decoded by the calling thread (or else by the second one)
  std::optional<Error> failure;  // reported after the events
  std::exception_ptr thrown;     // by the decoding thread; rethrown after the events
};

// Reads events `next`..`last` in `txn` into `chunk`, at most kChunkEvents of them,
// and advances `next` past them. A decode failure, a missing event or an LMDB
// error ends the chunk and goes into chunk.failure. Stops early (with no
// failure) once `*stop` is set. Events already in chunk.events are decoded
// into, reusing what they held (on this thread).
void ReadChunk(const LmdbEnv& env, MDB_txn* txn, std::uint64_t& next, std::uint64_t last,
               EventDecoder& decoder, Chunk& chunk, const std::atomic<bool>* stop) {
  chunk.failure.reset();
  chunk.thrown = nullptr;
  std::size_t count = 0;
  bool stopped = false;
  TableCursor cursor;
  int rc = cursor.Open(txn, env.db(), Table::kEvents);
  MDB_val key, value;
  if (rc == MDB_SUCCESS) rc = cursor.Seek(EventKey(next), key, value);
  for (; rc == MDB_SUCCESS && next <= last && count < kChunkEvents; rc = cursor.Next(key, value)) {
    if (SeqOfEventKey(ToView(key)) != next) break;
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
      stopped = true;
      break;
    }
    // Decoding into the slot reuses the strings and maps it held before.
    if (count == chunk.events.size()) chunk.events.emplace_back();
    Status decoded = decoder.DecodeInto(ToView(value), next, chunk.events[count]);
    if (!decoded.ok()) {
      chunk.failure = decoded.take_error();
      break;
    }
    ++count;
    ++next;
  }
  chunk.events.erase(chunk.events.begin() + static_cast<std::ptrdiff_t>(count), chunk.events.end());
  if (chunk.failure || stopped) return;
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
    chunk.failure = env.Translate(rc, fmt::format("scanning the log at event {}", next));
  } else if (count < kChunkEvents && next <= last) {
    chunk.failure = MissingEvent(next, env.dir());
  }
}

// Reads and decodes next..last a chunk at a time for a consumer that takes the
// chunks in order, on a second thread and on the consumer's own: a chunk is
// claimed by whichever thread is free, so the consumer decodes the next chunk
// itself rather than sleep until the second thread has. (Besides sharing the
// work, that keeps both threads running: on a busy machine a thread that sleeps
// and wakes for every chunk is woken onto its waker's core, and the two stop
// running at once.) At most kChunksInFlight chunks are claimed and not yet handed
// out. No thread waits while it holds a read transaction, so a map resize (which
// waits for every transaction of the process to end) is never held up by a
// consumer that appends between chunks.
class ChunkPipeline {
 public:
  // Throws std::system_error if the thread cannot be started.
  ChunkPipeline(LmdbEnv& env, DecoderPool& decoders, std::uint64_t next, std::uint64_t last)
      : env_(env), decoders_(decoders), unclaimed_(next), last_(last), thread_([this] { Run(); }) {}

  // Stops the thread, within one event's decoding, and joins it.
  ~ChunkPipeline() {
    {
      std::lock_guard lock(mu_);
      stop_.store(true, std::memory_order_relaxed);
    }
    has_room_.notify_one();
    thread_.join();
  }

  ChunkPipeline(const ChunkPipeline&) = delete;
  ChunkPipeline& operator=(const ChunkPipeline&) = delete;

  // Hands `chunk` back for reuse and replaces it with the next one in order,
  // decoding chunks with `decoder` while the next one is not ready; false once
  // the range is done. Holds no transaction when it returns.
  bool Next(Chunk& chunk, EventDecoder& decoder) {
    std::unique_lock lock(mu_);
    spare_[chunk.by_caller].push_back(std::move(chunk.events));
    for (;;) {
      if (!claimed_.empty() && claimed_.front().ready) {
        chunk = std::move(claimed_.front().chunk);
        claimed_.pop_front();
        lock.unlock();
        has_room_.notify_one();
        return true;
      }
      if (claimed_.empty() && Exhausted()) return false;
      if (CanClaim()) {
        Fill(lock, Claim(), decoder, /*by_caller=*/true);
      } else {
        has_chunk_.wait(lock);  // for the second thread to finish the front chunk
      }
    }
  }

 private:
  // A range of events claimed for decoding, and once `ready`, its events.
  struct Slot {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    bool ready = false;
    Chunk chunk;
  };

  void Run() {
    DecoderPool::Lease decoder = decoders_.Acquire();
    std::unique_lock lock(mu_);
    for (;;) {
      has_room_.wait(lock, [this] { return Stopped() || Exhausted() || CanClaim(); });
      if (Stopped() || Exhausted()) return;
      Fill(lock, Claim(), *decoder, /*by_caller=*/false);
      has_chunk_.notify_one();
    }
  }

  bool Stopped() const { return stop_.load(std::memory_order_relaxed); }
  // Nothing is left to claim: the range is claimed up to its end, or a chunk
  // failed (the consumer stops there).
  bool Exhausted() const { return failed_ || unclaimed_ > last_; }
  bool CanClaim() const { return !Stopped() && !Exhausted() && claimed_.size() < kChunksInFlight; }

  // With mu_ held: the next chunk's range. The Slot stays where it is (a deque
  // keeps its elements in place) until the consumer takes it, after it is ready.
  Slot& Claim() {
    const std::uint64_t first = unclaimed_;
    const std::uint64_t last = std::min<std::uint64_t>(last_, first + (kChunkEvents - 1));
    unclaimed_ = last + 1;
    Slot& slot = claimed_.emplace_back();
    slot.first = first;
    slot.last = last;
    return slot;
  }

  // With mu_ held by `lock`: decodes `slot`'s range with the lock released (and
  // a read transaction held for just that long), then stores it in the slot. Only
  // the second thread stops early when told to; the caller is the one telling.
  void Fill(std::unique_lock<std::mutex>& lock, Slot& slot, EventDecoder& decoder, bool by_caller) {
    Chunk chunk;
    chunk.by_caller = by_caller;
    // A chunk this thread decoded before: the events it overwrites were
    // allocated here, and are freed here rather than across threads.
    std::vector<std::vector<Event>>& spare = spare_[by_caller];
    if (!spare.empty()) {
      chunk.events = std::move(spare.back());
      spare.pop_back();
    }
    std::uint64_t next = slot.first;
    const std::uint64_t last = slot.last;
    lock.unlock();
    try {
      Result<LmdbEnv::Txn> txn = env_.BeginRead();
      if (txn.ok()) {
        ReadChunk(env_, txn->get(), next, last, decoder, chunk, by_caller ? nullptr : &stop_);
      } else {
        chunk.events.clear();
        chunk.failure = txn.take_error();
      }
    } catch (...) {
      chunk.thrown = std::current_exception();
    }
    lock.lock();
    if (chunk.failure || chunk.thrown) failed_ = true;
    slot.chunk = std::move(chunk);
    slot.ready = true;
  }

  LmdbEnv& env_;
  DecoderPool& decoders_;

  std::mutex mu_;
  std::condition_variable has_chunk_;  // a chunk became ready
  std::condition_variable has_room_;   // a chunk was handed out, or stop_
  std::uint64_t unclaimed_;            // the first event no thread has claimed
  const std::uint64_t last_;
  std::deque<Slot> claimed_;                  // in order; the front is handed out next
  std::vector<std::vector<Event>> spare_[2];  // handed back, by who decoded them: [by_caller]
  bool failed_ = false;                       // a chunk ended in a failure
  std::atomic<bool> stop_{false};             // set under mu_; read in ReadChunk without it
  std::thread thread_;                        // last: starts once everything above exists
};

}  // namespace

Error MissingEvent(std::uint64_t seq, const std::string& dir) {
  return MakeError(ErrorCode::kCorrupt,
                   fmt::format("event {} is missing from the log in {}; verify the log", seq, dir));
}

Result<Event> ReadEvent(const LmdbEnv& env, MDB_txn* txn, std::uint64_t seq,
                        EventDecoder& decoder) {
  MDB_val value;
  const int rc = TableGet(txn, env.db(), Table::kEvents, EventKey(seq), value);
  if (rc == MDB_NOTFOUND) return MissingEvent(seq, env.dir());
  if (rc != MDB_SUCCESS) return env.Translate(rc, fmt::format("reading event {}", seq));
  return decoder.Decode(ToView(value), seq);
}

Status ScanEvents(LmdbEnv& env, DecoderPool& decoders, std::uint64_t from_seq, std::uint64_t to_seq,
                  const std::function<bool(const Event&)>& fn) {
  // `fn` runs with no transaction open: it may call back into the log (even
  // Append, whose map growth waits for this process's transactions to end), and
  // a long scan does not pin old pages. The events are the same as one
  // transaction would give: they never change, and the range ends at the head
  // read first.
  std::uint64_t next = std::max<std::uint64_t>(from_seq, 1);
  std::uint64_t last = 0;
  Chunk chunk;
  chunk.events.reserve(kChunkEvents);
  DecoderPool::Lease decoder = decoders.Acquire();
  bool long_range = false;
  {
    KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, env.BeginRead());
    std::uint64_t head = 0;
    if (int rc = ReadHeadSeq(txn.get(), env.db(), head); rc != MDB_SUCCESS) {
      return env.Translate(rc, "reading the log's head");
    }
    last = std::min(to_seq, head);
    if (next > last) return Ok{};
    long_range = last - next + 1 > kPipelineAbove;
    ReadChunk(env, txn.get(), next, last, *decoder, chunk, nullptr);
  }
  // The rest is decoded on a second thread too, from now on.
  std::optional<ChunkPipeline> pipeline;
  if (long_range && !chunk.failure && next <= last) {
    try {
      pipeline.emplace(env, decoders, next, last);
    } catch (const std::system_error&) {
      // No thread to be had: decode on this one alone.
    }
  }
  for (;;) {
    for (const Event& event : chunk.events) {
      if (!fn(event)) return Ok{};
    }
    if (chunk.thrown) std::rethrow_exception(chunk.thrown);
    if (chunk.failure) return std::move(*chunk.failure);
    if (pipeline) {
      if (!pipeline->Next(chunk, *decoder)) return Ok{};
      continue;
    }
    if (next > last) return Ok{};
    {
      KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, env.BeginRead());
      ReadChunk(env, txn.get(), next, last, *decoder, chunk, nullptr);
    }  // the transaction ends before `fn` runs again
  }
}

}  // namespace kraken
