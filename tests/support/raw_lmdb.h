#pragma once
// Raw access to a closed event log's LMDB environment, bypassing EventLog, so a
// test can damage it on purpose. The layout is in docs/log-layout.md. Each call
// throws std::runtime_error with LMDB's message on failure.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kraken::testing {

// The stored record of event `seq`, and replacing it.
std::string RawRecord(const std::string& dir, std::uint64_t seq);
void RawPutRecord(const std::string& dir, std::uint64_t seq, std::string_view record);
void RawDelete(const std::string& dir, const char* db, std::string_view key);
void RawPut(const std::string& dir, const char* db, std::string_view key, std::string_view value);
// Opens the environment in `dir` and calls `while_held` inside a read transaction.
void RawWithReadTransaction(const std::string& dir, const std::function<void()>& while_held);

}  // namespace kraken::testing
