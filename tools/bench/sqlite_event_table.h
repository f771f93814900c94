#pragma once
// SqliteEventTable: the SQLite peer KRAKEN's log is measured against. One table
//   events(seq INTEGER PRIMARY KEY, record BLOB)
// in WAL mode with synchronous=FULL, so a committed transaction is on disk just as
// an EventLog append is when Append returns. One object is one connection; use it
// from one thread at a time (open one per thread for concurrent writers).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "events/result.h"

namespace kraken::bench {

class SqliteEventTable {
 public:
  // Opens or creates the database file `path` and the table. `busy_timeout_ms`
  // is how long a writer waits for another connection's write lock.
  static Result<std::unique_ptr<SqliteEventTable>> Open(const std::string& path,
                                                        int busy_timeout_ms = 60'000);
  ~SqliteEventTable();
  SqliteEventTable(const SqliteEventTable&) = delete;
  SqliteEventTable& operator=(const SqliteEventTable&) = delete;

  // One durable transaction holding one row: BEGIN IMMEDIATE, INSERT, COMMIT,
  // retried while another connection holds the lock past the busy timeout.
  // seq 0 takes the next free seq.
  Status AppendDurable(std::uint64_t seq, std::string_view record);

  // For bulk loading: Begin(), many Insert()s, Commit().
  Status Begin();
  Status Insert(std::uint64_t seq, std::string_view record);
  Status Commit();

  // Calls `fn` with each row in seq order; `fn` returns false to stop.
  Status Scan(const std::function<bool(std::uint64_t seq, std::string_view record)>& fn);
  Result<std::uint64_t> Count();

 private:
  struct Impl;
  explicit SqliteEventTable(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken::bench
