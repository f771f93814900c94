#include "events/canonical_record.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "events/codec.h"
#include "events/payload_members.h"

namespace kraken::codec_internal {
namespace {

Event MakeEvent(std::uint64_t seq, Payload payload) {
  Event e;
  e.seq = seq;
  e.version = 3;
  e.ts_us = 1796398313123456;
  e.hash = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";
  e.stream = PilotStream("Kaelen Voss");
  e.source = Source::kSheet;
  e.actor = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-sheet";
  e.idempotency_key = "idem-1";
  e.correlation_id = "sync-7";
  e.payload = std::move(payload);
  return e;
}

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
      ImportBatchCommitted{"b-17", "Pilots sheet", 12, 3, 0, 18446744073709551615ULL},
      ConflictDetected{"c-9", "pilot", "Kaelen Voss", "clone", "Alpha", "Omega", 41, "Pilots!C12"},
      ConflictResolved{"c-9", "sheet", "Alpha", "sheet-wins"},
      EventReverted{41},
  };
}

// What the general decoder makes of `record`, to compare with.
std::string General(const std::string& record, std::uint64_t seq) {
  auto decoded = EventDecoder().Decode(" " + record, seq);  // the space keeps it off the fast path
  EXPECT_TRUE(decoded.ok()) << decoded.error().message;
  return decoded.ok() ? EncodeRecord(*decoded) : "";
}

bool Fast(const std::string& record, std::uint64_t seq, Event& out) {
  FieldNodes nodes;
  return DecodeCanonicalRecord(record, seq, AllTypeNames(), nodes, out);
}

TEST(CodecFastPathTest, TakesEveryRecordAsEncodeRecordWritesIt) {
  std::uint64_t seq = 0;
  for (const Payload& p : OneOfEachType()) {
    for (bool optional_members : {true, false}) {
      Event e = MakeEvent(++seq, p);
      if (!optional_members) {
        e.idempotency_key.clear();
        e.correlation_id.clear();
      }
      e.stream = PilotStream("Ærin Vøss 日本");  // UTF-8 needs no escapes
      const std::string record = EncodeRecord(e);
      Event decoded;
      ASSERT_TRUE(Fast(record, seq, decoded)) << record;
      // Re-encoding is a fixed point: every member came through.
      EXPECT_EQ(EncodeRecord(decoded), record);
      EXPECT_EQ(EncodeRecord(decoded), General(record, seq));
    }
  }
}

TEST(CodecFastPathTest, LeavesEverythingUnusualToTheGeneralDecoder) {
  const std::string record = EncodeRecord(MakeEvent(7, ImportBatchCommitted{"b", "o", 1, 2, 3, 4}));
  auto with = [&](std::string_view from, std::string_view to) {
    std::string changed = record;
    const auto at = changed.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return changed.replace(at, from.size(), to);
  };
  Event out;
  ASSERT_TRUE(Fast(record, 7, out));
  for (const std::string& unusual : {
           " " + record,                                                 // whitespace
           with(",\"ver\":3", ", \"ver\":3"),                            //
           with("\"seq\":7,", "\"seq\":7,\"seq\":7,"),                   // a repeated member
           with("\"actor\":", "\"ac\\u0074or\":"),                       // an escaped member name
           with("\"b\"", "\"\\u0062\""),                                 // an escaped value
           with("\"o\"", "\"o\x01\""),                                   // a control character
           with("\"o\"", "\"o\xff\""),                                   // invalid UTF-8
           with("\"v\":1", "\"v\":0"),                                   // an older schema version
           with("\"v\":1", "\"v\":2"),                                   // a newer one
           with("\"seq\":7", "\"seq\":8"),                               // another sequence
           with("\"seq\":7", "\"seq\":07"),                              // a leading zero
           with("\"ver\":3", "\"ver\":3.0"),                             // a fraction
           with("\"ver\":3", "\"ver\":-3"),                              // a sign
           with("\"ver\":3", "\"ver\":18446744073709551616"),            // more than 64 bits
           with("ImportBatchCommitted", "ImportBatchCommited"),          // an unknown type
           with("\"sheet\"", "\"email\""),                               // an unknown source
           with("T15:31:53", "T25:31:53"),                               // a bad timestamp
           with("\"origin\"", "\"source\""),                             // a member the type lacks
           with("\"rows_added\":1", "\"rows_added\":\"1\""),             // a member of another kind
           with("\"stream\":\"pilot/Kaelen Voss\"", "\"stream\":\"\""),  // no stream
           with(",\"stream\":\"pilot/Kaelen Voss\"", ""),                // no stream at all
           record.substr(0, record.size() - 1),                          // cut short
           record + "}",                                                 // trailing content
           record + " ",                                                 //
       }) {
    if (unusual == record) continue;
    EXPECT_FALSE(Fast(unusual, 7, out)) << unusual;
  }
}

TEST(CodecFastPathTest, KeepsTheFirstOfARepeatedFieldAsTheGeneralDecoderDoes) {
  std::string record = EncodeRecord(MakeEvent(3, PilotFieldsChanged{{{"clone", "Alpha"}}}));
  record.replace(record.find("{\"clone\""), 1, "{\"clone\":\"Omega\",");
  Event out;
  ASSERT_TRUE(Fast(record, 3, out)) << record;
  EXPECT_EQ(std::get<PilotFieldsChanged>(out.payload).changes.at("clone"), "Omega");
  EXPECT_EQ(EncodeRecord(out), General(record, 3));
}

}  // namespace
}  // namespace kraken::codec_internal
