#pragma once
// RawLmdbLog: the floor under KRAKEN's log. One LMDB environment with default
// (durable) flags and one MDB_INTEGERKEY database; an append is mdb_txn_begin,
// one mdb_put(MDB_APPEND) of the record under its sequence, mdb_txn_commit. No
// indexes, no hash chain, no writer thread: what any LMDB-backed log pays at least.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "events/result.h"

namespace kraken::bench {

class RawLmdbLog {
 public:
  // Creates the environment in the existing directory `dir`.
  static Result<std::unique_ptr<RawLmdbLog>> Open(const std::string& dir,
                                                  std::uint64_t map_bytes = 1ull << 30);
  ~RawLmdbLog();
  RawLmdbLog(const RawLmdbLog&) = delete;
  RawLmdbLog& operator=(const RawLmdbLog&) = delete;

  // Stores `record` under `seq` (greater than every earlier seq) in one durable commit.
  Status Append(std::uint64_t seq, std::string_view record);

 private:
  struct Impl;
  explicit RawLmdbLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken::bench
