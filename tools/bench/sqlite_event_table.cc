#include "tools/bench/sqlite_event_table.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace kraken::bench {
namespace {

Error SqliteError(sqlite3* db, std::string_view doing) {
  return MakeError(ErrorCode::kIo,
                   fmt::format("sqlite: {}: {}", doing, db ? sqlite3_errmsg(db) : "out of memory"));
}

bool Busy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

}  // namespace

struct SqliteEventTable::Impl {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_stmt* rollback = nullptr;

  ~Impl() {
    for (sqlite3_stmt* s : {insert, begin, commit, rollback}) sqlite3_finalize(s);
    sqlite3_close(db);
  }

  Status Exec(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db, sql);
    }
    return Ok{};
  }

  Status Prepare(const char* sql, sqlite3_stmt** out) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, nullptr) != SQLITE_OK) {
      return SqliteError(db, sql);
    }
    return Ok{};
  }

  // Steps a statement that returns no rows; the SQLite result code.
  int Run(sqlite3_stmt* stmt) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
  }

  int Insert(std::uint64_t seq, std::string_view record) {
    if (seq == 0) {
      sqlite3_bind_null(insert, 1);
    } else {
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(seq));
    }
    sqlite3_bind_blob(insert, 2, record.data(), static_cast<int>(record.size()), SQLITE_STATIC);
    const int rc = Run(insert);
    sqlite3_clear_bindings(insert);
    return rc;
  }
};

SqliteEventTable::SqliteEventTable(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteEventTable::~SqliteEventTable() = default;

Result<std::unique_ptr<SqliteEventTable>> SqliteEventTable::Open(const std::string& path,
                                                                 int busy_timeout_ms) {
  auto impl = std::make_unique<Impl>();
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr) != SQLITE_OK) {
    return SqliteError(impl->db, fmt::format("opening {}", path));
  }
  sqlite3_busy_timeout(impl->db, busy_timeout_ms);
  // journal_mode is persistent in the file; synchronous is per connection.
  KRAKEN_RETURN_IF_ERROR(impl->Exec("PRAGMA journal_mode=WAL"));
  KRAKEN_RETURN_IF_ERROR(impl->Exec("PRAGMA synchronous=FULL"));
  KRAKEN_RETURN_IF_ERROR(impl->Exec(
      "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, record BLOB NOT NULL)"));
  KRAKEN_RETURN_IF_ERROR(
      impl->Prepare("INSERT INTO events (seq, record) VALUES (?1, ?2)", &impl->insert));
  KRAKEN_RETURN_IF_ERROR(impl->Prepare("BEGIN IMMEDIATE", &impl->begin));
  KRAKEN_RETURN_IF_ERROR(impl->Prepare("COMMIT", &impl->commit));
  KRAKEN_RETURN_IF_ERROR(impl->Prepare("ROLLBACK", &impl->rollback));
  return std::unique_ptr<SqliteEventTable>(new SqliteEventTable(std::move(impl)));
}

Status SqliteEventTable::AppendDurable(std::uint64_t seq, std::string_view record) {
  Impl& s = *impl_;
  for (;;) {
    int rc = s.Run(s.begin);
    if (Busy(rc)) continue;  // the busy timeout ran out under heavy contention; wait again
    if (rc != SQLITE_OK) return SqliteError(s.db, "BEGIN IMMEDIATE");
    if (rc = s.Insert(seq, record); rc != SQLITE_OK) {
      Error error = SqliteError(s.db, "INSERT");
      s.Run(s.rollback);
      return error;
    }
    // In WAL mode a COMMIT can be busy only while a checkpoint holds the lock;
    // the transaction stays open, so committing again is the retry.
    while (Busy(rc = s.Run(s.commit))) {
    }
    if (rc != SQLITE_OK) return SqliteError(s.db, "COMMIT");
    return Ok{};
  }
}

Status SqliteEventTable::Begin() {
  if (impl_->Run(impl_->begin) != SQLITE_OK) return SqliteError(impl_->db, "BEGIN IMMEDIATE");
  return Ok{};
}

Status SqliteEventTable::Insert(std::uint64_t seq, std::string_view record) {
  if (impl_->Insert(seq, record) != SQLITE_OK) return SqliteError(impl_->db, "INSERT");
  return Ok{};
}

Status SqliteEventTable::Commit() {
  if (impl_->Run(impl_->commit) != SQLITE_OK) return SqliteError(impl_->db, "COMMIT");
  return Ok{};
}

Status SqliteEventTable::Scan(
    const std::function<bool(std::uint64_t seq, std::string_view record)>& fn) {
  sqlite3_stmt* select = nullptr;
  KRAKEN_RETURN_IF_ERROR(impl_->Prepare("SELECT seq, record FROM events ORDER BY seq", &select));
  int rc;
  while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
    const auto seq = static_cast<std::uint64_t>(sqlite3_column_int64(select, 0));
    const void* data = sqlite3_column_blob(select, 1);
    const int size = sqlite3_column_bytes(select, 1);
    if (!fn(seq,
            std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size)))) {
      rc = SQLITE_DONE;
      break;
    }
  }
  sqlite3_finalize(select);
  if (rc != SQLITE_DONE) return SqliteError(impl_->db, "reading the events in order");
  return Ok{};
}

Result<std::uint64_t> SqliteEventTable::Count() {
  sqlite3_stmt* count = nullptr;
  KRAKEN_RETURN_IF_ERROR(impl_->Prepare("SELECT count(*) FROM events", &count));
  const int rc = sqlite3_step(count);
  const auto n = static_cast<std::uint64_t>(sqlite3_column_int64(count, 0));
  sqlite3_finalize(count);
  if (rc != SQLITE_ROW) return SqliteError(impl_->db, "counting the events");
  return n;
}

}  // namespace kraken::bench
