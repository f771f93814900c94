// A failure on KRAKEN's side (here: the log's map is full) is a generic
// ephemeral message for the user, and a log line with the interaction id but
// never the interaction token.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "src/discord/interactions.h"
#include "src/discord/reply.h"
#include "tests/src/discord/discord_test_support.h"

namespace kraken::discord {
namespace {

using kraken::testing::kRynDiscord;
using testing::Body;
using ::testing::HasSubstr;
using testing::Member;
using ::testing::Not;
using testing::ParseMessage;
using testing::Str;

// Routes spdlog's default logger into a string for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

EventLog::Options TinyMap() {
  EventLog::Options options;
  options.initial_map_bytes = 1 << 20;
  options.max_map_bytes = 1 << 20;
  return options;
}

// Appends filler until not even `bytes`-sized events fit, for smaller and
// smaller sizes, so that the map is all but full.
void FillLog(EventLog& log) {
  int n = 0;
  for (std::size_t bytes : {65536u, 4096u, 512u}) {
    for (;;) {
      Event e;
      e.stream = "conflict/filler-" + std::to_string(n++);
      e.payload =
          ConflictDetected{"filler", "pilot", "x", "notes", std::string(bytes, 'x'), "", 0, ""};
      AppendRequest request;
      request.events.push_back(std::move(e));
      auto appended = log.Append(std::move(request));
      if (!appended.ok()) {
        ASSERT_EQ(appended.error().code, ErrorCode::kDiskFull) << appended.error().message;
        break;
      }
    }
  }
}

TEST(InternalErrorTest, AFullLogGetsAGenericMessageAndALogLineWithoutTheToken) {
  testing::DiscordFixture f(Schema::Core(), TinyMap());
  FillLog(f.roster().log());
  const auto head = f.Head();
  CapturedLog captured;
  const std::string id = f.NextId();
  const Reply reply = f.RunBody(Body(id, Member(kRynDiscord), "pilot set",
                                     {Str("field", "notes"), Str("value", std::string(400, 'n'))}));
  EXPECT_EQ(reply.http_status, 200);
  EXPECT_EQ(reply.outcome, "error");
  EXPECT_EQ(f.Head(), head);
  const auto view = ParseMessage(reply.data);
  EXPECT_EQ(view.flags, kFlagEphemeral);
  EXPECT_THAT(view.content, HasSubstr("Something went wrong on KRAKEN's side"));
  EXPECT_THAT(view.content, HasSubstr(id));
  EXPECT_THAT(view.content, Not(HasSubstr("MDB"))) << "details stay in the server log";
  const std::string logged = captured.str();
  EXPECT_THAT(logged, HasSubstr("discord interaction " + id + " (/pilot set) failed: disk_full"));
  EXPECT_THAT(logged, Not(HasSubstr("secret-token"))) << logged;
}

}  // namespace
}  // namespace kraken::discord
