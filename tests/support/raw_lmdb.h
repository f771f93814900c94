#pragma once
// Raw access to a closed event log's LMDB environment, bypassing EventLog, so a
// test can damage it on purpose. The layout is in docs/log-layout.md: a table's
// key is stored with the table's byte in front. Each call throws
// std::runtime_error with LMDB's message on failure.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "src/store/log_keys.h"

namespace kraken::testing {

// The stored record of event `seq`, and replacing it.
std::string RawRecord(const std::string& dir, std::uint64_t seq);
void RawPutRecord(const std::string& dir, std::uint64_t seq, std::string_view record);
void RawDelete(const std::string& dir, Table table, std::string_view key);
void RawPut(const std::string& dir, Table table, std::string_view key, std::string_view value);
// Sets the format tag (the "meta" database's "format") to `tag`.
void RawPutFormat(const std::string& dir, std::string_view tag);
// Deletes event `seq`'s record.
void RawDeleteRecord(const std::string& dir, std::uint64_t seq);
// Every entry of database `db` (nullptr: the main one) of the closed log in
// `dir`, read in a read-only environment.
std::map<std::string, std::string> RawEntries(const std::string& dir, const char* db);
// Opens the environment in `dir` and calls `while_held` inside a read transaction.
void RawWithReadTransaction(const std::string& dir, const std::function<void()>& while_held);

}  // namespace kraken::testing
