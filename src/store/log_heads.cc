#include "src/store/log_heads.h"

#include <cstring>
#include <optional>
#include <string>

#include "events/codec.h"
#include "events/event.h"
#include "src/store/log_keys.h"
#include "src/store/log_tables.h"

namespace kraken {
namespace {

// The "ts" member of a record written by EncodeRecord, without decoding the
// rest: the first `"ts":"` in it. EncodeRecord writes seq, stream, ver, type and
// then ts, and a string value never holds an unescaped quote, so that text
// cannot appear earlier (a payload's member names, which could end in it, all
// come later).
std::optional<std::int64_t> RecordTimestamp(std::string_view record) {
  constexpr std::string_view kField = "\"ts\":\"";
  const std::size_t start = record.find(kField);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t from = start + kField.size();
  const std::size_t end = record.find('"', from);
  if (end == std::string_view::npos) return std::nullopt;
  return ParseTimestamp(record.substr(from, end - from));
}

}  // namespace

namespace {

// The last event's seq and record; seq 0 (and MDB_SUCCESS) when there is none.
// MDB_CORRUPTED if its key is not a sequence.
int ReadLastEvent(MDB_txn* txn, MDB_dbi db, std::uint64_t& seq, std::string_view& record) {
  seq = 0;
  TableCursor cursor;
  int rc = cursor.Open(txn, db, Table::kEvents);
  if (rc != MDB_SUCCESS) return rc;
  MDB_val key, value;
  rc = cursor.Last(key, value);
  if (rc == MDB_NOTFOUND) return MDB_SUCCESS;  // nothing appended yet
  if (rc != MDB_SUCCESS) return rc;
  seq = SeqOfEventKey(ToView(key));
  record = ToView(value);
  return seq == 0 ? MDB_CORRUPTED : MDB_SUCCESS;
}

}  // namespace

int ReadHeadSeq(MDB_txn* txn, MDB_dbi db, std::uint64_t& head_seq) {
  std::string_view record;
  return ReadLastEvent(txn, db, head_seq, record);
}

int ReadChainHead(MDB_txn* txn, MDB_dbi db, ChainHead& head, const ChainHead* known) {
  head = ChainHead{};
  std::string_view record;
  if (int rc = ReadLastEvent(txn, db, head.head_seq, record); rc != MDB_SUCCESS) return rc;
  if (head.head_seq == 0) return MDB_SUCCESS;
  if (known != nullptr && known->head_seq == head.head_seq) {
    head = *known;
    return MDB_SUCCESS;
  }
  const std::optional<std::int64_t> ts = RecordTimestamp(record);
  // HashedPart checks the suffix is `,"hash":"<64 hex digits>"}`.
  const std::optional<Digest> hash =
      HashedPart(record).ok()
          ? ParseDigestHex(record.substr(record.size() - 2 - kHashHexLength, kHashHexLength))
          : std::nullopt;
  if (!ts || !hash) return MDB_CORRUPTED;
  head.last_hash = *hash;
  head.last_ts = *ts;
  return MDB_SUCCESS;
}

int ReadStreamVersion(MDB_txn* txn, MDB_dbi db, std::string_view stream, std::uint64_t& version) {
  version = 0;
  TableCursor cursor;
  int rc = cursor.Open(txn, db, Table::kStreams);
  if (rc != MDB_SUCCESS) return rc;
  // The stream's last key is the one just before "<stream>\x01", or the table's
  // last key when nothing sorts after the stream.
  const std::string end = StreamIndexEnd(stream);
  MDB_val key, value;
  rc = cursor.Seek(end, key, value);
  if (rc == MDB_SUCCESS) {
    rc = cursor.Prev(key, value);
  } else if (rc == MDB_NOTFOUND) {
    rc = cursor.Last(key, value);
  }
  if (rc == MDB_NOTFOUND) return MDB_SUCCESS;  // no key before it: a new stream
  if (rc != MDB_SUCCESS) return rc;
  const std::string_view found = ToView(key);
  if (found.size() <= stream.size() || !found.starts_with(stream) || found[stream.size()] != '\0') {
    return MDB_SUCCESS;  // another stream's key: this one has no events
  }
  if (found.size() != stream.size() + kStreamIndexSuffixBytes) return MDB_CORRUPTED;
  version = ReadBigEndian64(found.substr(stream.size() + 1));
  return MDB_SUCCESS;
}

int CountStreams(MDB_txn* txn, MDB_dbi db, std::uint64_t& streams) {
  streams = 0;
  TableCursor cursor;
  int rc = cursor.Open(txn, db, Table::kStreams);
  if (rc != MDB_SUCCESS) return rc;
  MDB_val key, value;
  rc = cursor.First(key, value);
  while (rc == MDB_SUCCESS) {
    std::string_view stream;
    std::uint64_t version = 0;
    if (!ParseStreamIndexKey(ToView(key), stream, version)) {
      rc = cursor.Next(key, value);  // malformed; Verify reports it
      continue;
    }
    ++streams;
    const std::string end = StreamIndexEnd(stream);  // `stream` points into the page
    rc = cursor.Seek(end, key, value);
  }
  return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
}

}  // namespace kraken
