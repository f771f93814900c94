// Snapshots the alliance state must refuse without crashing: truncated, bit-flipped
// or random bytes, hand-crafted snapshots with a valid checksum but bad contents,
// and snapshots made for another schema or format version.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "projections/alliance_state.h"
#include "projections/roster_codec.h"
#include "tests/projections/alliance_state_test_support.h"

namespace kraken {
namespace {

using ::testing::HasSubstr;
using testing::HistoryGenerator;
using testing::Replay;
using testing::TestSchema;

// A small but complete snapshot: pilots, corps and several days.
std::string SmallSnapshot(const Schema& schema) {
  const std::vector<Event> events = HistoryGenerator(3).Generate(60);
  return Replay(schema, events, events.size()).EncodeSnapshot();
}

void ExpectCorrupt(const Schema& schema, std::string_view bytes, std::string_view what) {
  auto decoded = AllianceState::DecodeSnapshot(schema, bytes);
  ASSERT_FALSE(decoded.ok()) << what << " decoded";
  EXPECT_EQ(decoded.error().code, ErrorCode::kCorrupt) << what << ": " << decoded.error().message;
}

TEST(AllianceStateTest, DamagedSnapshotIsCorruptNotACrash) {
  const Schema schema = TestSchema();
  const std::string snapshot = SmallSnapshot(schema);
  ASSERT_TRUE(AllianceState::DecodeSnapshot(schema, snapshot).ok());
  ASSERT_GT(snapshot.size(), 200u);
  for (std::size_t n = 0; n < snapshot.size(); ++n) {
    ExpectCorrupt(schema, std::string_view(snapshot).substr(0, n),
                  fmt::format("truncated to {} bytes", n));
  }
  for (std::size_t i = 0; i < snapshot.size(); ++i) {
    for (unsigned char mask : {0x01, 0x10, 0x80, 0xFF}) {
      std::string damaged = snapshot;
      damaged[i] = static_cast<char>(damaged[i] ^ mask);
      ExpectCorrupt(schema, damaged, fmt::format("byte {} ^ {:#x}", i, mask));
    }
  }
  ExpectCorrupt(schema, snapshot + '\0', "one byte more");
  std::string swapped = snapshot;
  std::swap(swapped[40], swapped[80]);
  if (swapped != snapshot) ExpectCorrupt(schema, swapped, "two bytes swapped");
}

TEST(AllianceStateTest, BytesThatAreNotASnapshotAreCorrupt) {
  const Schema schema = TestSchema();
  ExpectCorrupt(schema, "", "nothing");
  ExpectCorrupt(schema, "hello", "text");
  ExpectCorrupt(schema, "KRKNSNAP", "the magic alone");
  std::mt19937 rng(1);
  for (int i = 0; i < 200; ++i) {
    std::string noise(static_cast<std::size_t>(rng() % 300), '\0');
    for (char& c : noise) c = static_cast<char>(rng());
    ExpectCorrupt(schema, noise, "noise");
    ExpectCorrupt(schema, "KRKNSNAP" + noise, "noise after the magic");
  }
}

std::uint64_t ZigZag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

// Builds snapshot bytes by hand, with a correct checksum, to reach the checks that
// sit behind it: a snapshot written by a buggy build must not crash the reader either.
class Crafted {
 public:
  explicit Crafted(const Schema& schema) {
    bytes_ = "KRKNSNAP";
    Varint(RosterCodec::kFormatVersion);
    for (int i = 0; i < 8; ++i)
      bytes_.push_back(static_cast<char>(schema.Fingerprint() >> (8 * i)));
    Varint(42);  // seq
    Varint(0);   // ts
  }
  Crafted& Varint(std::uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<char>(v));
    return *this;
  }
  Crafted& Raw(std::string_view s) {
    bytes_.append(s);
    return *this;
  }
  Crafted& Text(std::string_view s) { return Varint(s.size()).Raw(s); }
  // A row of `width` columns with `key` and nothing else set.
  Crafted& Row(std::string_view key, std::size_t width) {
    Varint(1).Text(key).Varint(1);
    for (std::size_t c = 1; c < width; ++c) Text("").Varint(0);
    return *this;
  }
  std::string Sealed() const {
    std::string out = bytes_;
    const std::uint64_t sum = RosterCodec::Checksum(out);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(sum >> (8 * i)));
    return out;
  }

 private:
  std::string bytes_;
};

TEST(AllianceStateTest, ACraftedSnapshotWithAValidChecksumIsStillBoundsChecked) {
  const Schema schema = TestSchema();
  const std::size_t pw = schema.columns(Table::kPilot).size();
  const std::size_t cw = schema.columns(Table::kCorp).size();
  // The well-formed baseline decodes, so each failure below is down to its one defect.
  const std::string good = Crafted(schema)
                               .Varint(pw)
                               .Varint(1)
                               .Row("Kaelen Voss", pw)
                               .Varint(cw)
                               .Varint(1)
                               .Row("KRKN", cw)
                               .Varint(1)
                               .Varint(ZigZag(20791))
                               .Varint(3)
                               .Varint(1)
                               .Text("pilot/Kaelen Voss")
                               .Varint(4)
                               .Sealed();
  auto decoded = AllianceState::DecodeSnapshot(schema, good);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->roster().Find(Table::kPilot, "kaelen voss")->key(), "Kaelen Voss");
  EXPECT_EQ(decoded->changes().days().at(20791), 3u);
  EXPECT_EQ(decoded->versions().Get("pilot/Kaelen Voss"), 4u);

  ExpectCorrupt(schema, Crafted(schema).Varint(pw).Varint(1ULL << 62).Sealed(),
                "a row count far beyond the bytes");
  ExpectCorrupt(schema, Crafted(schema).Varint(pw + 1).Varint(0).Sealed(), "a column too many");
  ExpectCorrupt(schema,
                Crafted(schema)
                    .Varint(pw)
                    .Varint(1)
                    .Varint(1)
                    .Varint(1ULL << 40)
                    .Raw(std::string(40, 'x'))
                    .Sealed(),
                "a value longer than the bytes left");
  ExpectCorrupt(
      schema,
      Crafted(schema).Varint(pw).Varint(1).Row("", pw).Varint(cw).Varint(0).Varint(0).Sealed(),
      "a row without a key");
  ExpectCorrupt(schema,
                Crafted(schema)
                    .Varint(pw)
                    .Varint(2)
                    .Row("Kaelen Voss", pw)
                    .Row("KAELEN VOSS", pw)
                    .Varint(cw)
                    .Varint(0)
                    .Varint(0)
                    .Sealed(),
                "the same key twice");
  ExpectCorrupt(schema,
                Crafted(schema)
                    .Varint(pw)
                    .Varint(0)
                    .Varint(cw)
                    .Varint(0)
                    .Varint(2)
                    .Varint(ZigZag(5))
                    .Varint(1)
                    .Varint(ZigZag(-1))
                    .Varint(1)
                    .Sealed(),
                "days out of order");
  ExpectCorrupt(
      schema, Crafted(schema).Varint(pw).Varint(0).Varint(cw).Varint(0).Varint(1ULL << 40).Sealed(),
      "a day count far beyond the bytes");
  ExpectCorrupt(schema,
                Crafted(schema)
                    .Varint(pw)
                    .Varint(0)
                    .Varint(cw)
                    .Varint(0)
                    .Varint(0)
                    .Varint(1ULL << 40)
                    .Sealed(),
                "a stream count far beyond the bytes");
  ExpectCorrupt(schema,
                Crafted(schema)
                    .Varint(pw)
                    .Varint(0)
                    .Varint(cw)
                    .Varint(0)
                    .Varint(0)
                    .Varint(2)
                    .Text("corp/KRKN")
                    .Varint(1)
                    .Text("corp/KRKN")
                    .Varint(2)
                    .Sealed(),
                "a stream listed twice");
  ExpectCorrupt(schema,
                Crafted(schema)
                    .Varint(pw)
                    .Varint(0)
                    .Varint(cw)
                    .Varint(0)
                    .Varint(0)
                    .Varint(1)
                    .Text("corp/KRKN")
                    .Sealed(),
                "a stream without its version");
  ExpectCorrupt(schema,
                Crafted(schema)
                    .Varint(pw)
                    .Varint(0)
                    .Varint(cw)
                    .Varint(0)
                    .Varint(0)
                    .Varint(0)
                    .Raw("x")
                    .Sealed(),
                "bytes after the end");
  ExpectCorrupt(schema, Crafted(schema).Varint(pw).Raw(std::string(11, '\xFF')).Sealed(),
                "a varint longer than 64 bits");
}

// Replaces the trailing checksum with the right one for the bytes before it.
std::string Reseal(std::string snapshot) {
  if (snapshot.size() < 8) return snapshot;
  snapshot.resize(snapshot.size() - 8);
  const std::uint64_t sum = RosterCodec::Checksum(snapshot);
  for (int i = 0; i < 8; ++i) snapshot.push_back(static_cast<char>(sum >> (8 * i)));
  return snapshot;
}

TEST(AllianceStateTest, RandomlyMangledSnapshotsWithValidChecksumsNeverCrashTheReader) {
  const Schema schema = TestSchema();
  const std::string snapshot = SmallSnapshot(schema);
  std::mt19937 rng(99);
  int refused = 0;
  for (int round = 0; round < 20'000; ++round) {
    std::string body = snapshot.substr(0, snapshot.size() - 8);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      // Leave the magic and format alone: they are checked before anything else.
      const std::size_t at = 9 + rng() % (body.size() - 9);
      switch (rng() % 4) {
        case 0:
          body[at] = static_cast<char>(rng());
          break;
        case 1:
          body.erase(at, 1 + rng() % 8);
          break;
        case 2:
          body.insert(at, 1 + rng() % 4, static_cast<char>(rng()));
          break;
        default:
          body.resize(at);
          break;
      }
      if (body.size() <= 9) body = snapshot.substr(0, 10);
    }
    auto decoded = AllianceState::DecodeSnapshot(schema, Reseal(body + "checksum"));
    if (!decoded.ok()) {
      ++refused;
      EXPECT_NE(decoded.error().code, ErrorCode::kInternal);
      continue;
    }
    // Whatever was accepted is a state that encodes and decodes again.
    EXPECT_TRUE(AllianceState::DecodeSnapshot(schema, decoded->EncodeSnapshot()).ok());
  }
  EXPECT_GT(refused, 10'000);
}

TEST(AllianceStateTest, SnapshotForAnotherSchemaIsRefused) {
  const Schema core = Schema::Core();
  const Schema extended = TestSchema();
  AllianceState state(core);
  auto decoded = AllianceState::DecodeSnapshot(extended, state.EncodeSnapshot());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(decoded.error().message,
              HasSubstr("snapshot was made for another schema; it will be rebuilt"));
}

TEST(AllianceStateTest, SnapshotOfAnotherFormatVersionIsRefused) {
  const Schema schema = TestSchema();
  std::string snapshot = AllianceState(schema).EncodeSnapshot();
  // The format varint follows the 8-byte magic; reseal it as a future build would.
  ASSERT_EQ(snapshot[8], static_cast<char>(RosterCodec::kFormatVersion));
  snapshot[8] = static_cast<char>(RosterCodec::kFormatVersion + 1);
  auto decoded = AllianceState::DecodeSnapshot(schema, Reseal(snapshot));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(decoded.error().message, HasSubstr("format version 2"));
  EXPECT_THAT(decoded.error().message, HasSubstr("rebuilt"));
}

}  // namespace
}  // namespace kraken
