// The event codec's two decoding paths: DecodeInto, which reuses one Event's
// buffers, gives what Decode gives, and the fast path for canonical records agrees
// with the general decoder on every record, whole or damaged.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "events/codec.h"
#include "tests/events/codec_test_support.h"

namespace kraken {
namespace {

using testing::MakeEvent;
using testing::OneOfEachType;
using testing::Show;

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
