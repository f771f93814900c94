#include "src/store/log_verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "src/store/chain_hasher.h"
#include "src/store/log_heads.h"
#include "src/store/log_keys.h"
#include "src/store/log_tables.h"

namespace kraken {
namespace {

// A broken log can have a problem per event; past this many, only count them.
constexpr std::size_t kMaxProblems = 1000;
constexpr std::uint64_t kProgressEvery = 65536;

// "ab12…": enough of a hash to tell two apart in a message.
std::string ShortHex(std::string_view hex) { return fmt::format("{}…", hex.substr(0, 4)); }

std::uint64_t KeyHash(std::string_view key) {
  const std::uint64_t h = std::hash<std::string_view>{}(key);
  return h == 0 ? 1 : h;  // 0 stands for "no key"
}

class Verifier {
 public:
  Verifier(MDB_txn* txn, const LmdbEnv& env, EventDecoder& decoder,
           const std::function<void(std::uint64_t, std::uint64_t)>& progress)
      : txn_(txn), db_(env.db()), env_(env), decoder_(decoder), progress_(progress) {}

  Result<VerifyReport> Run() {
    int rc = CheckMetaFormat();
    if (rc == MDB_SUCCESS) rc = CheckEvents();
    if (rc == MDB_SUCCESS) rc = CheckStreamIndex();
    if (rc == MDB_SUCCESS) rc = CheckIdempotencyIndex();
    if (rc == MDB_SUCCESS) rc = CheckNoStrayKeys();
    if (rc != MDB_SUCCESS) return env_.Translate(rc, "verifying the event log");
    if (suppressed_ > 0) {
      report_.problems.push_back(fmt::format("… and {} more problems", suppressed_));
    }
    report_.streams_checked = last_versions_.size();
    return std::move(report_);
  }

 private:
  // An event that carries an idempotency key.
  struct KeyedEvent {
    std::uint64_t seq;
    std::uint64_t key_hash;
    bool covered;  // by an idempotency index entry
  };

  void Problem(std::string text) {
    if (report_.problems.size() < kMaxProblems) {
      report_.problems.push_back(std::move(text));
    } else {
      ++suppressed_;
    }
  }

  int CheckMetaFormat() {
    MDB_val key = ToVal(kMetaFormat), value;
    const int rc = mdb_get(txn_, env_.meta_db(), &key, &value);
    if (rc == MDB_NOTFOUND) {
      Problem(fmt::format("meta: the format tag is missing (expected \"{}\")", kLogFormatTag));
    } else if (rc != MDB_SUCCESS) {
      return rc;
    } else if (ToView(value) != kLogFormatTag) {
      Problem(fmt::format("meta: the format tag is \"{}\", expected \"{}\"", ToView(value),
                          kLogFormatTag));
    }
    return MDB_SUCCESS;
  }

  // The head is the last event and each stream's version its last index entry,
  // so checking the events and both indexes checks the heads too.
  int CheckEvents() {
    std::uint64_t total = 0;  // for the progress; the keys are checked below
    int rc = ReadHeadSeq(txn_, db_, total);
    if (rc != MDB_SUCCESS && rc != MDB_CORRUPTED) return rc;

    TableCursor cursor;
    if ((rc = cursor.Open(txn_, db_, Table::kEvents))) return rc;
    ChainHasher hasher;
    Digest previous{};  // 32 zero bytes before event 1
    bool chain_known = true;
    std::uint64_t expected_seq = 1;
    std::int64_t last_ts = std::numeric_limits<std::int64_t>::min();
    MDB_val key, value;
    for (rc = cursor.First(key, value); rc == MDB_SUCCESS; rc = cursor.Next(key, value)) {
      ++table_keys_;
      const std::uint64_t seq = SeqOfEventKey(ToView(key));
      if (seq != expected_seq) {
        Problem(seq > expected_seq
                    ? fmt::format("event {}: missing (the sequence jumps from {} to {})",
                                  expected_seq, expected_seq - 1, seq)
                    : fmt::format("event key of {} bytes is not a sequence", key.mv_size));
      }
      expected_seq = seq + 1;
      const std::string_view record = ToView(value);
      previous = CheckHash(seq, record, hasher, previous, chain_known);
      CheckRecord(seq, record, last_ts);
      ++report_.events_checked;
      if (progress_ && report_.events_checked % kProgressEvery == 0) {
        progress_(report_.events_checked, total);
      }
    }
    if (rc != MDB_NOTFOUND) return rc;
    if (progress_) progress_(report_.events_checked, total);

    // What the next append continues from: the last record's hash and timestamp.
    ChainHead head;
    rc = ReadChainHead(txn_, db_, head);
    if (rc == MDB_CORRUPTED && head.head_seq != 0) {
      Problem(
          fmt::format("event {}: the last event's hash or timestamp cannot be read, so "
                      "nothing can be appended after it",
                      head.head_seq));
    } else if (rc != MDB_SUCCESS && rc != MDB_CORRUPTED) {
      return rc;
    }
    return MDB_SUCCESS;
  }

  // Checks `record`'s stored hash against the chain; returns the hash the next
  // event chains from: the stored one, so that a single altered record is
  // reported once rather than breaking every later link. `chain_known` is false
  // after a record whose hash could not be read: the next link is not checked.
  Digest CheckHash(std::uint64_t seq, std::string_view record, ChainHasher& hasher,
                   const Digest& previous, bool& chain_known) {
    const Result<std::string_view> hashed = HashedPart(record);
    if (!hashed.ok()) {
      Problem(fmt::format("event {}: the record does not end with its hash field", seq));
      chain_known = false;
      return previous;
    }
    const Digest computed = hasher.Next(previous, *hashed);
    const std::string_view stored_hex =
        record.substr(record.size() - 2 - kHashHexLength, kHashHexLength);
    const std::optional<Digest> stored = ParseDigestHex(stored_hex);
    if (chain_known && (!stored || *stored != computed)) {
      Problem(fmt::format("event {}: hash does not match the chain (stored {}, computed {})", seq,
                          ShortHex(stored_hex), ShortHex(DigestHex(computed))));
    }
    chain_known = stored.has_value();
    return stored ? *stored : computed;
  }

  // Decodes the record and checks it against the stream index; collects what the
  // later index checks need.
  void CheckRecord(std::uint64_t seq, std::string_view record, std::int64_t& last_ts) {
    Result<Event> decoded = decoder_.Decode(record, seq);
    if (!decoded.ok()) {
      Problem(decoded.error().message);  // "event 17 is corrupt: …"
      undecodable_.push_back(seq);
      return;
    }
    const Event& event = *decoded;
    if (event.ts_us < last_ts) {
      Problem(fmt::format("event {}: its timestamp {} is older than the event before it ({})", seq,
                          FormatTimestamp(event.ts_us), FormatTimestamp(last_ts)));
    }
    last_ts = std::max(last_ts, event.ts_us);

    std::uint64_t& last_version = last_versions_[event.stream];
    // An undecodable event may have been any stream's missing version.
    if (event.version != last_version + 1 && undecodable_.empty()) {
      Problem(fmt::format("event {}: stream {} goes from version {} to {}", seq, event.stream,
                          last_version, event.version));
    }
    last_version = std::max(last_version, event.version);

    const std::string index_key = StreamIndexKey(event.stream, event.version);
    MDB_val value;
    const int rc = TableGet(txn_, db_, Table::kStreams, index_key, value);
    if (rc != MDB_SUCCESS) {
      Problem(fmt::format("event {}: missing from the index of stream {} (version {})", seq,
                          event.stream, event.version));
    } else if (value.mv_size != 8 || ReadBigEndian64(ToView(value)) != seq) {
      Problem(fmt::format("event {}: the index of stream {} maps version {} to another event", seq,
                          event.stream, event.version));
    } else {
      ++indexed_events_;
    }
    if (!event.idempotency_key.empty()) {
      keyed_.push_back({seq, KeyHash(event.idempotency_key), false});
    }
  }

  // Every index entry whose event points back at it was counted by CheckRecord;
  // only when there are more entries than that does each get looked at.
  int CheckStreamIndex() {
    std::uint64_t entries = 0;
    int rc = CountTable(txn_, db_, Table::kStreams, entries);
    table_keys_ += entries;
    if (rc != MDB_SUCCESS || entries == indexed_events_) return rc;
    TableCursor cursor;
    if ((rc = cursor.Open(txn_, db_, Table::kStreams))) return rc;
    MDB_val key, value;
    for (rc = cursor.First(key, value); rc == MDB_SUCCESS; rc = cursor.Next(key, value)) {
      std::string_view stream;
      std::uint64_t version = 0;
      if (!ParseStreamIndexKey(ToView(key), stream, version) || value.mv_size != 8) {
        Problem(fmt::format("stream index: a malformed entry ({} byte key, {} byte value)",
                            key.mv_size, value.mv_size));
        continue;
      }
      const std::uint64_t seq = ReadBigEndian64(ToView(value));
      MDB_val record;
      const int get = TableGet(txn_, db_, Table::kEvents, EventKey(seq), record);
      if (get == MDB_NOTFOUND) {
        Problem(fmt::format("stream index: {} version {} points at event {}, which does not exist",
                            stream, version, seq));
        continue;
      }
      if (get != MDB_SUCCESS) return get;
      Result<Event> event = decoder_.Decode(ToView(record), seq);
      if (event.ok() && (event->stream != stream || event->version != version)) {
        Problem(
            fmt::format("stream index: {} version {} points at event {}, which is {} version {}",
                        stream, version, seq, event->stream, event->version));
      }
    }
    return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
  }

  int CheckIdempotencyIndex() {
    int rc = CheckIdempotencyTable(Table::kIdempotency);
    if (rc == MDB_SUCCESS) rc = CheckIdempotencyTable(Table::kLongIdempotency);
    if (rc != MDB_SUCCESS) return rc;
    for (const KeyedEvent& keyed : keyed_) {
      if (!keyed.covered) {
        Problem(fmt::format("event {}: its idempotency key is not in the idempotency index",
                            keyed.seq));
      }
    }
    return MDB_SUCCESS;
  }

  // One of the idempotency index's two tables (log_keys.h).
  int CheckIdempotencyTable(Table table) {
    const bool long_keys = table == Table::kLongIdempotency;
    TableCursor cursor;
    int rc = cursor.Open(txn_, db_, table);
    if (rc != MDB_SUCCESS) return rc;
    MDB_val key, value;
    for (rc = cursor.First(key, value); rc == MDB_SUCCESS; rc = cursor.Next(key, value)) {
      ++report_.idempotency_keys_checked;
      ++table_keys_;
      const std::string_view stored = ToView(value);
      // A long key is stored after the seqs, under its SHA-256.
      const std::string_view name =
          long_keys ? stored.substr(std::min(stored.size(), kIdempotencyValueBytes)) : ToView(key);
      const bool well_formed =
          long_keys ? name.size() > kMaxKeyBytes && LongIdempotencyKey(name) == ToView(key)
                    : stored.size() == kIdempotencyValueBytes;
      if (!well_formed) {
        Problem(fmt::format("idempotency key \"{}\": malformed entry of {} bytes",
                            name.substr(0, 40), value.mv_size));
        continue;
      }
      const std::uint64_t first = ReadBigEndian64(stored);
      const std::uint64_t last = ReadBigEndian64(stored.substr(8));
      if (!Covers(KeyHash(name), first, last)) {
        Problem(
            fmt::format("idempotency key \"{}\": points at events {}..{}, which do not all "
                        "carry it (or more events do)",
                        name, first, last));
      }
    }
    return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
  }

  // True if exactly events first..last carry the key hashed to `key_hash`. Marks
  // the events in that range that carry it as covered either way, so a damaged
  // range is reported once, by its entry.
  bool Covers(std::uint64_t key_hash, std::uint64_t first, std::uint64_t last) {
    if (first == 0 || first > last) return false;
    auto it = std::lower_bound(keyed_.begin(), keyed_.end(), first,
                               [](const KeyedEvent& k, std::uint64_t seq) { return k.seq < seq; });
    // Events that do not decode may carry the key; they are reported already.
    std::uint64_t carrying = static_cast<std::uint64_t>(
        std::upper_bound(undecodable_.begin(), undecodable_.end(), last) -
        std::lower_bound(undecodable_.begin(), undecodable_.end(), first));
    for (; it != keyed_.end() && it->seq <= last; ++it) {
      if (it->key_hash != key_hash) continue;
      it->covered = true;
      ++carrying;
    }
    // The batch must not go on past `last` with the same key.
    const bool runs_on = it != keyed_.end() && it->seq == last + 1 && it->key_hash == key_hash;
    return carrying == last - first + 1 && !runs_on;
  }

  // Every key of the database belongs to one of the log's tables or is the
  // "meta" database: the keys seen in the tables (and the snapshots, counted
  // here) are all there are.
  int CheckNoStrayKeys() {
    std::uint64_t snapshots = 0;
    int rc = CountTable(txn_, db_, Table::kSnapshots, snapshots);
    if (rc != MDB_SUCCESS) return rc;
    MDB_stat stat;
    if ((rc = mdb_stat(txn_, db_, &stat)) != MDB_SUCCESS) return rc;
    const std::uint64_t known = table_keys_ + snapshots + 1;  // + the "meta" database
    if (stat.ms_entries > known) {
      Problem(
          fmt::format("the database holds {} keys outside the log's tables (docs/log-layout.md)",
                      stat.ms_entries - known));
    }
    // Appends put events at the very end (MDB_APPEND): a key after them stops them all.
    Cursor cursor;
    if ((rc = cursor.Open(txn_, db_)) != MDB_SUCCESS) return rc;
    MDB_val key, value;
    rc = cursor.Get(key, value, MDB_LAST);
    if (rc == MDB_NOTFOUND) return MDB_SUCCESS;
    if (rc != MDB_SUCCESS) return rc;
    const std::string_view last = ToView(key);
    // LMDB compares keys as unsigned bytes.
    if (static_cast<unsigned char>(last.front()) > static_cast<unsigned char>(Table::kEvents)) {
      Problem(
          fmt::format("a key outside the log's tables (\"{}\", {} bytes) sorts after the "
                      "events, so no event can be appended; restore the log from a backup",
                      last.substr(0, 40), last.size()));
    }
    return MDB_SUCCESS;
  }

  MDB_txn* txn_;
  MDB_dbi db_;
  const LmdbEnv& env_;
  EventDecoder& decoder_;
  const std::function<void(std::uint64_t, std::uint64_t)>& progress_;

  VerifyReport report_;
  std::size_t suppressed_ = 0;
  std::unordered_map<std::string, std::uint64_t> last_versions_;  // stream -> last version
  std::uint64_t indexed_events_ = 0;        // events their stream index points back at
  std::uint64_t table_keys_ = 0;            // events, stream index and idempotency keys
  std::vector<KeyedEvent> keyed_;           // in sequence order
  std::vector<std::uint64_t> undecodable_;  // in sequence order
};

}  // namespace

Result<VerifyReport> VerifyLog(MDB_txn* txn, const LmdbEnv& env, EventDecoder& decoder,
                               const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  return Verifier(txn, env, decoder, progress).Run();
}

}  // namespace kraken
