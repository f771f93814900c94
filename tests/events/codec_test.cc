#include "events/codec.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace kraken {
namespace {

using ::testing::HasSubstr;

std::string Show(const Fields& fields) {
  std::string out = "{";
  for (const auto& [k, v] : fields) out += fmt::format("{:?}={:?} ", k, v);
  return out + "}";
}

// Every member of every payload type, spelled out here rather than taken from the
// codec, so a member the codec forgets shows up as a difference.
std::string Show(const Payload& payload) {
  return std::visit(
      [](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        const std::string type(TypeName(Payload(p)));
        if constexpr (std::is_same_v<T, PilotRegistered> || std::is_same_v<T, CorpCreated>) {
          return type + Show(p.fields);
        } else if constexpr (std::is_same_v<T, PilotFieldsChanged> ||
                             std::is_same_v<T, CorpChanged>) {
          return type + Show(p.changes);
        } else if constexpr (std::is_same_v<T, PilotLinkedToDiscord>) {
          return fmt::format("{}({:?})", type, p.user_id);
        } else if constexpr (std::is_same_v<T, AltLinked> || std::is_same_v<T, AltUnlinked>) {
          return fmt::format("{}({:?})", type, p.main);
        } else if constexpr (std::is_same_v<T, PilotLeftAlliance> ||
                             std::is_same_v<T, CorpRemoved>) {
          return fmt::format("{}({:?})", type, p.reason);
        } else if constexpr (std::is_same_v<T, ImportBatchCommitted>) {
          return fmt::format("{}({:?} {:?} {} {} {} {})", type, p.batch_id, p.origin, p.rows_added,
                             p.rows_changed, p.rows_removed, p.cells_rejected);
        } else if constexpr (std::is_same_v<T, ConflictDetected>) {
          return fmt::format("{}({:?} {:?} {:?} {:?} {:?} {:?} {} {:?})", type, p.conflict_id,
                             p.table, p.key, p.field, p.sheet_value, p.log_value, p.log_seq,
                             p.sheet_origin);
        } else if constexpr (std::is_same_v<T, ConflictResolved>) {
          return fmt::format("{}({:?} {:?} {:?} {:?})", type, p.conflict_id, p.winner, p.value,
                             p.policy);
        } else if constexpr (std::is_same_v<T, EventReverted>) {
          return fmt::format("{}({})", type, p.reverted_seq);
        } else {
          return fmt::format("{}({:?} {:?} {:?} {:?} {:?} {:?})", type, p.table, p.key, p.field,
                             p.value, p.reason, p.sheet_origin);
        }
      },
      payload);
}

std::string Show(const Event& e) {
  return fmt::format(
      "seq={} ver={} ts={} hash={} stream={:?} src={} actor={:?} idem={:?} "
      "corr={:?} v={} {}",
      e.seq, e.version, e.ts_us, e.hash, e.stream, SourceName(e.source), e.actor, e.idempotency_key,
      e.correlation_id, e.schema_version, Show(e.payload));
}

// One payload of each type, with every member set to something other than its default.
std::vector<Payload> OneOfEachType() {
  return {
      PilotRegistered{{{"corp", "KRKN"}, {"clone", "Omega"}, {"timezone", "UTC+2"}}},
      PilotFieldsChanged{{{"clone", "Alpha"}, {"notes", ""}}},
      PilotLinkedToDiscord{"123456789012345678"},
      AltLinked{"Kaelen Voss"},
      AltUnlinked{"Kaelen Voss"},
      PilotLeftAlliance{"moved to another alliance"},
      CorpCreated{{{"name", "Kraken Industries"}, {"status", "member"}}},
      CorpChanged{{{"ceo", "Kaelen Voss"}}},
      CorpRemoved{"disbanded"},
      ImportBatchCommitted{"b-17", "Pilots sheet", 12, 3, 1, 2},
      ConflictDetected{"c-9", "pilot", "Kaelen Voss", "clone", "Alpha", "Omega", 41, "Pilots!C12"},
      ConflictResolved{"c-9", "sheet", "Alpha", "sheet-wins"},
      EventReverted{41},
      SheetEditRejected{"pilot", "Kaelen Voss", "corp", "XXXX", "corp 'XXXX' not found",
                        "Pilots!D7"},
  };
}

Event MakeEvent(std::uint64_t seq, Payload payload) {
  Event e;
  e.seq = seq;
  e.version = 3;
  e.ts_us = 1796398313123456;
  e.hash = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";
  e.stream = PilotStream("Kaelen Voss");
  e.source = Source::kDiscord;
  e.actor = "998877665544332211";
  e.idempotency_key = "idem-1";
  e.correlation_id = "sync-7";
  e.payload = std::move(payload);
  return e;
}

Result<Event> RoundTrip(const Event& e) {
  EventDecoder decoder;
  return decoder.Decode(EncodeRecord(e), e.seq);
}

TEST(CodecTest, EveryPayloadTypeRoundTripsWithAllEnvelopeFields) {
  const std::vector<Payload> payloads = OneOfEachType();
  std::set<std::string_view> covered;
  EventDecoder decoder;
  std::uint64_t seq = 100;
  for (const Payload& p : payloads) {
    Event e = MakeEvent(++seq, p);
    e.source = static_cast<Source>(seq % 4);
    e.hash = std::string(kHashHexLength, 'a');
    auto decoded = decoder.Decode(EncodeRecord(e), e.seq);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(Show(*decoded), Show(e));
    covered.insert(e.type());
  }
  EXPECT_EQ(covered.size(), AllTypeNames().size()) << "a payload type is missing from the test";
}

TEST(CodecTest, EmptyOptionalFieldsAreLeftOutOfTheRecord) {
  Event e = MakeEvent(5, AltLinked{"Kaelen Voss"});
  e.idempotency_key.clear();
  e.correlation_id.clear();
  const std::string record = EncodeRecord(e);
  EXPECT_EQ(record.find("\"idem\""), std::string::npos);
  EXPECT_EQ(record.find("\"corr\""), std::string::npos);
  auto decoded = RoundTrip(e);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(Show(*decoded), Show(e));
}

TEST(CodecTest, RecordIsOneJsonObjectInTheDocumentedFieldOrder) {
  Event e = MakeEvent(7, PilotLinkedToDiscord{"12345"});
  e.hash.clear();
  EXPECT_EQ(
      EncodeRecord(e),
      "{\"seq\":7,\"stream\":\"pilot/Kaelen Voss\",\"ver\":3,\"type\":\"PilotLinkedToDiscord\","
      "\"ts\":\"2026-12-04T15:31:53.123456Z\",\"src\":\"discord\",\"actor\":"
      "\"998877665544332211\",\"idem\":\"idem-1\",\"corr\":\"sync-7\",\"v\":1,\"data\":"
      "{\"user_id\":\"12345\"},\"hash\":\"" +
          std::string(kHashHexLength, '0') + "\"}");
}

TEST(CodecTest, EncodePayloadJsonIsTheDataObject) {
  EXPECT_EQ(EncodePayloadJson(AltLinked{"Kaelen Voss"}), "{\"main\":\"Kaelen Voss\"}");
  EXPECT_EQ(EncodePayloadJson(EventReverted{41}), "{\"reverted_seq\":41}");
  EXPECT_EQ(EncodePayloadJson(PilotRegistered{}), "{\"fields\":{}}");
}

TEST(CodecTest, HashedPartIsEverythingBeforeTheHashFieldWhichStartsAsZeros) {
  Event e = MakeEvent(9, CorpRemoved{"gone"});
  e.hash.clear();  // the log fills it in after encoding
  std::string record = EncodeRecord(e);
  auto hashed = HashedPart(record);
  ASSERT_TRUE(hashed.ok()) << hashed.error().message;
  EXPECT_EQ(record.substr(0, hashed->size()), *hashed);
  EXPECT_EQ(record.substr(hashed->size()),
            ",\"hash\":\"" + std::string(kHashHexLength, '0') + "\"}");
  EXPECT_EQ(hashed->back(), '}');  // the data object's end
}

TEST(CodecTest, SetRecordHashFillsInTheDigitsAndLeavesTheHashedPartAlone) {
  Event e = MakeEvent(9, CorpRemoved{"gone"});
  std::string record = EncodeRecord(e);
  const std::string before(*HashedPart(record));
  const std::string digits = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  SetRecordHash(record, digits);
  ASSERT_TRUE(HashedPart(record).ok());
  EXPECT_EQ(*HashedPart(record), before);
  auto decoded = EventDecoder().Decode(record, 9);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->hash, digits);
}

TEST(CodecTest, HashedPartRejectsARecordWithoutAWellFormedHash) {
  std::string record = EncodeRecord(MakeEvent(9, CorpRemoved{"gone"}));
  for (std::string bad : {std::string("{}"), record.substr(0, record.size() - 1),
                          record.substr(0, record.size() - 3) + "\"}", record + " "}) {
    auto hashed = HashedPart(bad);
    ASSERT_FALSE(hashed.ok()) << bad;
    EXPECT_EQ(hashed.error().code, ErrorCode::kCorrupt);
  }
}

void ExpectCorruptNamingSeq(std::string_view record, std::uint64_t seq,
                            std::string_view detail = "") {
  EventDecoder decoder;
  auto decoded = decoder.Decode(record, seq);
  ASSERT_FALSE(decoded.ok()) << "decoded: " << record;
  EXPECT_EQ(decoded.error().code, ErrorCode::kCorrupt);
  EXPECT_THAT(decoded.error().message, HasSubstr(fmt::format("event {} ", seq)));
  EXPECT_THAT(decoded.error().message, HasSubstr(detail));
}

TEST(CodecTest, GarbageIsCorruptNamingTheSequence) {
  ExpectCorruptNamingSeq("not json at all", 12);
  ExpectCorruptNamingSeq("", 12);
  ExpectCorruptNamingSeq("[1,2,3]", 12);
  ExpectCorruptNamingSeq(std::string("\x00\xff\xfe", 3), 12);
  ExpectCorruptNamingSeq("{\"seq\":12}", 12, "missing");
}

TEST(CodecTest, TrailingGarbageAfterTheRecordIsCorrupt) {
  const std::string record = EncodeRecord(MakeEvent(12, AltLinked{"Kaelen Voss"}));
  ExpectCorruptNamingSeq(record + "xyz", 12);
  ExpectCorruptNamingSeq(record + "{}", 12);
}

TEST(CodecTest, EveryTruncationIsCorruptNamingTheSequence) {
  const std::string record = EncodeRecord(
      MakeEvent(12, ConflictDetected{"c", "pilot", "K", "clone", "A", "O", 3, "P!C1"}));
  EventDecoder decoder;
  for (std::size_t n = 0; n < record.size(); ++n) {
    auto decoded = decoder.Decode(std::string_view(record).substr(0, n), 12);
    ASSERT_FALSE(decoded.ok()) << "a record cut to " << n << " bytes decoded";
    EXPECT_EQ(decoded.error().code, ErrorCode::kCorrupt);
    EXPECT_THAT(decoded.error().message, HasSubstr("event 12 "));
  }
  // The decoder is still good for whole records after all those failures.
  EXPECT_TRUE(decoder.Decode(record, 12).ok());
}

TEST(CodecTest, ASequenceOtherThanTheStoredOneIsCorrupt) {
  const std::string record = EncodeRecord(MakeEvent(12, AltLinked{"Kaelen Voss"}));
  ExpectCorruptNamingSeq(record, 13, "records sequence 12");
}

TEST(CodecTest, AnUnknownTypeIsCorruptNamingTheType) {
  std::string record = EncodeRecord(MakeEvent(12, AltLinked{"Kaelen Voss"}));
  record.replace(record.find("AltLinked"), 9, "AltExploded");
  ExpectCorruptNamingSeq(record, 12, "unknown event type 'AltExploded'");
}

TEST(CodecTest, ABadTimestampIsCorruptNamingIt) {
  std::string record = EncodeRecord(MakeEvent(12, AltLinked{"Kaelen Voss"}));
  record.replace(record.find("2026-12-04"), 10, "2026-02-30");
  ExpectCorruptNamingSeq(record, 12, "bad timestamp '2026-02-30T15:31:53.123456Z'");
}

TEST(CodecTest, AnUnknownSourceIsCorrupt) {
  std::string record = EncodeRecord(MakeEvent(12, AltLinked{"Kaelen Voss"}));
  record.replace(record.find("\"discord\""), 9, "\"email\"");
  ExpectCorruptNamingSeq(record, 12, "unknown source 'email'");
}

TEST(CodecTest, AMemberOfTheWrongTypeIsCorruptNamingTheMember) {
  std::string record = EncodeRecord(MakeEvent(12, ImportBatchCommitted{"b", "o", 1, 2, 3, 4}));
  record.replace(record.find("\"rows_changed\":2"), 16, "\"rows_changed\":\"two\"");
  ExpectCorruptNamingSeq(record, 12, "rows_changed");
}

TEST(CodecTest, AMissingStreamIsCorrupt) {
  Event e = MakeEvent(12, AltLinked{"Kaelen Voss"});
  e.stream.clear();
  ExpectCorruptNamingSeq(EncodeRecord(e), 12, "missing");
}

TEST(CodecTest, UnknownMembersAndFieldsAreIgnoredForForwardCompatibility) {
  Event e = MakeEvent(12, AltLinked{"Kaelen Voss"});
  std::string record = EncodeRecord(e);
  record.replace(record.find("{\"main\""), 1, "{\"since\":[1,{\"x\":2}],");
  record.replace(record.find("\"actor\""), 0, "\"region\":\"EU\",");
  auto decoded = EventDecoder().Decode(record, 12);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(Show(*decoded), Show(e));
}

TEST(CodecTest, AHashThatIsNotSixtyFourLowerCaseHexDigitsIsCorrupt) {
  Event e;
  e.seq = 9;
  e.version = 1;
  e.ts_us = 1796398313123456;
  e.stream = "pilot/Kaelen Voss";
  e.source = Source::kCli;
  e.actor = "admin";
  e.payload = PilotFieldsChanged{{{"clone", "Omega"}}};
  e.hash = std::string(kHashHexLength, 'a');
  const std::string good = EncodeRecord(e);
  ASSERT_TRUE(EventDecoder().Decode(good, 9).ok());
  const std::size_t at = good.rfind(e.hash);
  // Found by the fuzzer: an escaped quote in the hash decoded, and re-encoding
  // it wrote a record that is not JSON.
  for (std::string bad : {std::string(kHashHexLength, 'A'), std::string("43f4\\\"@92"),
                          std::string(kHashHexLength - 1, 'a'), std::string("")}) {
    std::string record = good;
    record.replace(at, kHashHexLength, bad);
    auto decoded = EventDecoder().Decode(record, 9);
    ASSERT_FALSE(decoded.ok()) << record;
    EXPECT_EQ(decoded.error().code, ErrorCode::kCorrupt);
    EXPECT_THAT(decoded.error().message, ::testing::HasSubstr("event 9"));
  }
}

TEST(CodecTest, FieldOrderDoesNotMatter) {
  // "data" before "type" and "v" makes the decoder read it after the envelope.
  const std::string record =
      "{\"data\":{\"changes\":{\"clone\":\"Omega\"}},\"hash\":\"" +
      std::string(kHashHexLength, '0') +
      "\",\"v\":1,\"type\":"
      "\"PilotFieldsChanged\",\"seq\":4,\"ts\":\"2026-12-04\",\"stream\":\"pilot/Kaelen Voss\","
      "\"ver\":2,\"src\":\"sheet\",\"actor\":\"sheet-1\"}";
  auto decoded = EventDecoder().Decode(record, 4);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->type(), "PilotFieldsChanged");
  EXPECT_EQ(std::get<PilotFieldsChanged>(decoded->payload).changes.at("clone"), "Omega");
  EXPECT_EQ(decoded->version, 2u);
  EXPECT_EQ(decoded->source, Source::kSheet);
}

// A schema version 0 record as an older KRAKEN might have written it: the type was
// called "PilotJoined" and its fields were under "attributes".
std::string VersionZeroRecord(std::uint64_t seq) {
  Event e = MakeEvent(seq, PilotRegistered{{{"clone", "Omega"}, {"corp", "KRKN"}}});
  e.schema_version = 0;
  std::string record = EncodeRecord(e);
  record.replace(record.find("\"PilotRegistered\""), 17, "\"PilotJoined\"");
  record.replace(record.find("\"fields\""), 8, "\"attributes\"");
  return record;
}

UpcasterChain RenamingChain() {
  UpcasterChain chain;
  chain.Register(0, [](RawPayload raw) -> Result<RawPayload> {
    if (raw.type == "PilotJoined") {
      raw.type = "PilotRegistered";
      const auto at = raw.data_json.find("\"attributes\"");
      if (at != std::string::npos) raw.data_json.replace(at, 12, "\"fields\"");
    }
    return raw;
  });
  return chain;
}

TEST(CodecTest, AnOldRecordIsBroughtUpToDateByTheUpcasters) {
  const UpcasterChain chain = RenamingChain();
  EventDecoder decoder(chain);
  auto decoded = decoder.Decode(VersionZeroRecord(5), 5);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->type(), "PilotRegistered");
  EXPECT_EQ(decoded->schema_version, kCurrentSchemaVersion);
  const auto& fields = std::get<PilotRegistered>(decoded->payload).fields;
  EXPECT_EQ(Show(fields), Show(Fields{{"clone", "Omega"}, {"corp", "KRKN"}}));
  EXPECT_EQ(decoded->actor, "998877665544332211");
  // A current record through the same decoder is left alone.
  auto current = decoder.Decode(EncodeRecord(MakeEvent(6, AltLinked{"K"})), 6);
  ASSERT_TRUE(current.ok()) << current.error().message;
  EXPECT_EQ(current->type(), "AltLinked");
}

TEST(CodecTest, AnOldRecordWithoutAnUpcasterIsCorruptNamingTheMissingStep) {
  ExpectCorruptNamingSeq(VersionZeroRecord(5), 5,
                         "no upcaster from schema version 0 to 1 for a PilotJoined event");
}

TEST(CodecTest, AFailingUpcasterIsCorruptWithItsReason) {
  UpcasterChain chain;
  chain.Register(0, [](RawPayload) -> Result<RawPayload> {
    return MakeError(ErrorCode::kInvalidArgument, "attributes are not an object");
  });
  auto decoded = EventDecoder(chain).Decode(VersionZeroRecord(5), 5);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kCorrupt);
  EXPECT_THAT(decoded.error().message, HasSubstr("event 5 "));
  EXPECT_THAT(decoded.error().message, HasSubstr("attributes are not an object"));
}

TEST(CodecTest, ARecordFromANewerSchemaIsRefusedWithAdviceToUpgrade) {
  Event e = MakeEvent(8, AltLinked{"Kaelen Voss"});
  e.schema_version = kCurrentSchemaVersion + 1;
  EventDecoder decoder(RenamingChain());
  auto decoded = decoder.Decode(EncodeRecord(e), 8);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kCorrupt);
  EXPECT_THAT(decoded.error().message, HasSubstr("event 8 "));
  EXPECT_THAT(decoded.error().message, HasSubstr("upgrade KRAKEN"));
}

TEST(CodecTest, AHugeSchemaVersionIsNotMistakenForTheCurrentOne) {
  std::string record = EncodeRecord(MakeEvent(8, AltLinked{"Kaelen Voss"}));
  // 2^32 + 1 would be version 1 if it were cut to 32 bits.
  record.replace(record.find("\"v\":1"), 5, "\"v\":4294967297");
  auto decoded = EventDecoder().Decode(record, 8);
  ASSERT_FALSE(decoded.ok());
  EXPECT_THAT(decoded.error().message, HasSubstr("upgrade KRAKEN"));
}

TEST(CodecTest, NonAsciiAndControlCharactersSurvive) {
  static constexpr char kOdd[] = "Ærin \"Vøss\" \\ 日本 😀 \n\r\t\x01\x1f\x7f end\0!";
  const std::string odd(kOdd, sizeof(kOdd) - 1);
  Event e = MakeEvent(3, PilotFieldsChanged{{{"notes", odd}, {"timezone", "Europe/Zürich"}}});
  e.stream = PilotStream("Ærin Vøss");
  e.actor = odd;
  e.idempotency_key = odd;
  e.correlation_id = "日本";
  auto decoded = RoundTrip(e);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(Show(*decoded), Show(e));
  EXPECT_EQ(decoded->actor, odd);
}

TEST(CodecTest, AnyBytesInTextEncodeToARecordThatDecodes) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
  EventDecoder decoder;
  for (std::uint64_t seq = 1; seq <= 2000; ++seq) {
    std::string text(static_cast<std::size_t>(length(rng)), '\0');
    for (char& c : text) c = static_cast<char>(byte(rng));
    Event e = MakeEvent(seq, ConflictResolved{text, "admin", text, "manual"});
    e.actor = text;
    auto decoded = decoder.Decode(EncodeRecord(e), seq);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    // Invalid UTF-8 is replaced, so only the length in code points is comparable;
    // re-encoding what was decoded must be a fixed point.
    Event again = *decoded;
    auto twice = decoder.Decode(EncodeRecord(again), seq);
    ASSERT_TRUE(twice.ok()) << twice.error().message;
    EXPECT_EQ(Show(*twice), Show(*decoded));
  }
}

// DecodeInto ------------------------------------------------------------------

// Records of every type and shape, to decode into one Event in turn: canonical
// ones (the fast path), and ones only the general decoder reads (whitespace,
// members out of order, escapes, no optional members, an old schema version).
std::vector<std::pair<std::uint64_t, std::string>> VariedRecords() {
  std::vector<std::pair<std::uint64_t, std::string>> records;
  std::uint64_t seq = 0;
  for (const Payload& p : OneOfEachType()) {
    Event e = MakeEvent(++seq, p);
    e.source = static_cast<Source>(seq % 4);
    if (seq % 3 == 0) e.idempotency_key.clear();
    if (seq % 2 == 0) e.correlation_id.clear();
    if (seq % 5 == 0) e.hash.clear();
    records.emplace_back(seq, EncodeRecord(e));
    e.seq = ++seq;
    e.stream = PilotStream("Ærin \"Quoted\" Vøss");  // an escaped quote
    e.actor = "a much longer actor name than the one before it, to need more room";
    records.emplace_back(seq, " " + EncodeRecord(e) + "\n");
  }
  ++seq;
  records.emplace_back(seq, "{\"data\":{\"changes\":{\"clone\":\"Omega\"}},\"hash\":\"" +
                                std::string(kHashHexLength, '0') +
                                "\",\"v\":1,"
                                "\"type\":\"PilotFieldsChanged\",\"seq\":" +
                                std::to_string(seq) +
                                ",\"ts\":\"2026-12-04\",\"stream\":\"pilot/K\",\"ver\":2,"
                                "\"src\":\"sheet\",\"actor\":\"s\"}");
  Event old = MakeEvent(++seq, PilotRegistered{{{"clone", "Omega"}}});
  old.schema_version = 0;
  records.emplace_back(seq, EncodeRecord(old));
  return records;
}

TEST(CodecTest, DecodeIntoGivesWhatDecodeGivesWhateverTheEventHeldBefore) {
  const auto records = VariedRecords();
  UpcasterChain chain;
  chain.Register(0, [](RawPayload raw) -> Result<RawPayload> { return raw; });
  EventDecoder decoder(chain);
  // Forwards, backwards and shuffled: each record after many different ones.
  std::vector<std::size_t> order(records.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<std::size_t> all = order;
  all.insert(all.end(), order.rbegin(), order.rend());
  std::mt19937 rng(11);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(order.begin(), order.end(), rng);
    all.insert(all.end(), order.begin(), order.end());
  }
  Event reused;
  for (std::size_t i : all) {
    const auto& [seq, record] = records[i];
    auto expected = EventDecoder(chain).Decode(record, seq);
    ASSERT_TRUE(expected.ok()) << expected.error().message << "\n" << record;
    Status decoded = decoder.DecodeInto(record, seq, reused);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message << "\n" << record;
    EXPECT_EQ(Show(reused), Show(*expected)) << record;
  }
}

TEST(CodecTest, DecodeIntoFailsAsDecodeDoesAndTheEventStaysUsable) {
  const std::string good = EncodeRecord(MakeEvent(12, PilotFieldsChanged{{{"notes", "hi"}}}));
  std::string bad_type = good;
  bad_type.replace(bad_type.find("PilotFieldsChanged"), 18, "PilotFieldsChanges");
  EventDecoder decoder;
  Event reused;
  for (const std::string& bad :
       {std::string("not json"), good.substr(0, good.size() / 2), good + "x", bad_type}) {
    ASSERT_TRUE(decoder.DecodeInto(good, 12, reused).ok());
    Status decoded = decoder.DecodeInto(bad, 12, reused);
    auto expected = EventDecoder().Decode(bad, 12);
    ASSERT_FALSE(decoded.ok()) << bad;
    ASSERT_FALSE(expected.ok());
    EXPECT_EQ(decoded.error().code, expected.error().code);
    EXPECT_EQ(decoded.error().message, expected.error().message);
    ASSERT_TRUE(decoder.DecodeInto(good, 12, reused).ok());
    EXPECT_EQ(Show(reused), Show(*EventDecoder().Decode(good, 12)));
  }
}

// The point of DecodeInto: a scan that decodes into one Event does not allocate
// per record. Strings keep their buffers, Fields maps their nodes.
TEST(CodecTest, DecodeIntoReusesTheEventsStringsAndFieldNodes) {
  auto record = [](std::uint64_t seq, char fill) {
    Event e = MakeEvent(seq, PilotFieldsChanged{{{"notes", std::string(40, fill)}}});
    e.stream = PilotStream(std::string(30, fill));
    e.actor = std::string(20, fill);
    e.hash = std::string(kHashHexLength, fill == 'x' ? 'a' : 'b');
    return EncodeRecord(e);
  };
  EventDecoder decoder;
  Event reused;
  ASSERT_TRUE(decoder.DecodeInto(record(1, 'x'), 1, reused).ok());
  const char* stream = reused.stream.data();
  const char* actor = reused.actor.data();
  const char* hash = reused.hash.data();
  const auto* node = &*std::get<PilotFieldsChanged>(reused.payload).changes.begin();
  const char* notes = node->second.data();
  // Through the fast path, then through the general decoder (leading space).
  for (const std::string& next : {record(2, 'y'), " " + record(2, 'y')}) {
    ASSERT_TRUE(decoder.DecodeInto(next, 2, reused).ok()) << next;
    EXPECT_EQ(reused.stream, PilotStream(std::string(30, 'y')));
    EXPECT_EQ(reused.stream.data(), stream);
    EXPECT_EQ(reused.actor.data(), actor);
    EXPECT_EQ(reused.hash.data(), hash);
    const auto& changes = std::get<PilotFieldsChanged>(reused.payload).changes;
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes.at("notes"), std::string(40, 'y'));
    EXPECT_EQ(&*changes.begin(), node);
    EXPECT_EQ(changes.begin()->second.data(), notes);
  }
}

// The fast path and the general decoder ----------------------------------------
//
// A record with a space in front is the same JSON, but only the general decoder
// reads it: whatever the fast path accepts must decode to the same event.

void ExpectBothPathsAgree(const std::string& record, std::uint64_t seq) {
  EventDecoder decoder;
  auto fast = decoder.Decode(record, seq);
  auto general = decoder.Decode(" " + record, seq);
  ASSERT_EQ(fast.ok(), general.ok())
      << record << "\n"
      << (fast.ok() ? general.error().message : fast.error().message);
  if (fast.ok()) {
    EXPECT_EQ(Show(*fast), Show(*general)) << record;
  } else {
    EXPECT_EQ(fast.error().code, general.error().code);
  }
}

TEST(CodecTest, EveryRecordDecodesTheSameThroughTheFastPathAndTheGeneralDecoder) {
  std::mt19937 rng(3);
  // Mostly printable ASCII, with quotes, backslashes, control characters, UTF-8
  // and stray bytes (which the encoder replaces) mixed in.
  const std::vector<std::string> pieces = {"a",  "Z",    " ",    "\"",   "\\", "/",
                                           "\n", "\x01", "\x1f", "\x7f", "é",  "日本",
                                           "😀",  "\xff", "\xc3", "0",    "}"};
  auto text = [&](std::size_t max) {
    std::string out;
    const std::size_t n = rng() % (max + 1);
    for (std::size_t i = 0; i < n; ++i) {
      out += rng() % 4 == 0 ? pieces[rng() % pieces.size()]
                            : std::string(1, static_cast<char>('a' + rng() % 26));
    }
    return out;
  };
  // From 1900 to 2200.
  std::uniform_int_distribution<std::int64_t> ts(-2'208'988'800'000'000LL, 7'258'118'400'000'000LL);
  std::uint64_t seq = 0;
  for (int i = 0; i < 3000; ++i) {
    Payload payload = OneOfEachType()[rng() % std::variant_size_v<Payload>];
    std::visit(
        [&](auto& p) {
          using T = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<T, PilotRegistered> || std::is_same_v<T, CorpCreated>) {
            p.fields = {{text(8), text(30)}, {text(8), text(3)}};
          } else if constexpr (std::is_same_v<T, ConflictResolved>) {
            p.value = text(40);
          } else if constexpr (std::is_same_v<T, ImportBatchCommitted>) {
            p.rows_added = rng() % 3 == 0 ? UINT64_MAX : rng();
          }
        },
        payload);
    Event e = MakeEvent(++seq, std::move(payload));
    e.stream = PilotStream(text(20));
    e.actor = text(20);
    e.idempotency_key = rng() % 2 ? text(10) : "";
    e.correlation_id = rng() % 2 ? text(10) : "";
    e.hash = rng() % 4 ? std::string(kHashHexLength, "0123456789abcdef"[rng() % 16]) : "";
    e.ts_us = ts(rng);
    ExpectBothPathsAgree(EncodeRecord(e), seq);
  }
}

TEST(CodecTest, DamagedRecordsFailOrDecodeTheSameOnBothPaths) {
  std::mt19937 rng(5);
  const std::string alphabet = "0123456789{}[],:\"\\ -+.eE/zZT\x01\x80\xc3\xa9";
  std::uint64_t seq = 100;
  for (const Payload& p : OneOfEachType()) {
    Event e = MakeEvent(++seq, p);
    const std::string record = EncodeRecord(e);
    for (int i = 0; i < 400; ++i) {
      std::string damaged = record;
      const std::size_t at = rng() % damaged.size();
      switch (rng() % 4) {
        case 0:
          damaged[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          damaged.erase(at, 1 + rng() % 3);
          break;
        case 2:
          damaged.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          damaged.resize(at);
          break;
      }
      ExpectBothPathsAgree(damaged, seq);
    }
  }
}

}  // namespace
}  // namespace kraken
