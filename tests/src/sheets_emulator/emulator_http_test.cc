// The emulator over real loopback HTTP: the token exchange and the API through
// net::HttpClient, added latency, dropped connections, and a restart on a new
// port with the same state file.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "src/net/http_client.h"
#include "src/sheets_emulator/emulator.h"
#include "tests/src/sheets_emulator/core_fixture.h"
#include "tests/support/log_dir.h"

namespace kraken::sheets {
namespace {

using emu::JsonValue;
using emu::testing::kAccount;
using emu::testing::KeyFileJson;
using emu::testing::kKeyId;
using emu::testing::SharedKeyPem;

class EmulatorHttpTest : public ::testing::Test {
 protected:
  void Start(EmulatorOptions options = {}) {
    options.reads_per_minute = options.writes_per_minute = 0;
    auto emulator = SheetsEmulator::Start(options);
    ASSERT_TRUE(emulator.ok()) << emulator.error().message;
    emulator_ = std::move(emulator).value();
    ASSERT_TRUE(
        emulator_->ImportServiceAccountKey(KeyFileJson(kAccount, kKeyId, SharedKeyPem(0))).ok());
  }

  net::HttpResponse Send(const std::string& method, const std::string& path,
                         const std::string& body = "", const std::string& token = "") {
    net::HttpRequest r;
    r.method = method;
    r.url = emulator_->base_url() + path;
    r.body = body;
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    auto response = client_.Send(r);
    EXPECT_TRUE(response.ok()) << response.error().message;
    return response.ok() ? std::move(response).value() : net::HttpResponse{};
  }

  // Signs in as the key file's token_uri tells a client to: aud = token_uri.
  std::string SignIn() {
    auto key_file = emulator_->ServiceAccountKey(kAccount);
    EXPECT_TRUE(key_file.ok());
    const std::string token_uri = JsonValue::Parse(*key_file)->Get("token_uri")->string();
    EXPECT_EQ(token_uri, emulator_->base_url() + "/token");
    emu::testing::JwtClaims c;
    c.aud = token_uri;
    c.iat = std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
    c.exp = c.iat + 3600;
    net::HttpRequest r;
    r.method = "POST";
    r.url = token_uri;
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = emu::testing::TokenForm(emu::testing::SignJwt(SharedKeyPem(0), c));
    auto response = client_.Send(r);
    EXPECT_TRUE(response.ok());
    EXPECT_EQ(response->status, 200) << response->body;
    return JsonValue::Parse(response->body)->Get("access_token")->string();
  }

  net::HttpClient client_;
  std::unique_ptr<SheetsEmulator> emulator_;
};

TEST_F(EmulatorHttpTest, ServesTheTokenEndpointSheetsAndDriveOverLoopback) {
  Start();
  EXPECT_EQ(emulator_->base_url().rfind("http://127.0.0.1:", 0), 0u);
  const std::string token = SignIn();
  auto id = emulator_->CreateSpreadsheet("Roster", {"Main Roster"}, kAccount);
  ASSERT_TRUE(id.ok());
  const auto write = Send("POST", "/v4/spreadsheets/" + *id + "/values:batchUpdate",
                          R"({"valueInputOption":"RAW","data":[{"range":"'Main Roster'!A1",)"
                          R"("values":[["0012","Ünïcødé"]]}]})",
                          token);
  ASSERT_EQ(write.status, 200) << write.body;
  EXPECT_EQ(write.Header("Content-Type"), "application/json; charset=UTF-8");
  const auto read = Send(
      "GET", "/v4/spreadsheets/" + *id + "/values/" + net::PercentEncode("'Main Roster'!A1:C3"), "",
      token);
  EXPECT_EQ(
      read.body,
      R"({"range":"'Main Roster'!A1:C3","majorDimension":"ROWS","values":[["0012","Ünïcødé"]]})");
  const auto drive =
      Send("GET", "/drive/v3/files/" + *id + "?fields=version,modifiedTime", "", token);
  EXPECT_EQ(JsonValue::Parse(drive.body)->Get("version")->string(), "2");
  EXPECT_EQ(Send("GET", "/v4/spreadsheets/" + *id).status, 401);
}

TEST_F(EmulatorHttpTest, LatencyHoldsEveryReplyBack) {
  EmulatorOptions options;
  options.latency = std::chrono::milliseconds(150);
  Start(options);
  const auto start = std::chrono::steady_clock::now();
  const std::string token = SignIn();
  auto id = emulator_->CreateSpreadsheet("Roster", {}, kAccount);
  EXPECT_EQ(Send("GET", "/v4/spreadsheets/" + *id, "", token).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

TEST_F(EmulatorHttpTest, StopAnswersDelayedRepliesAtOnce) {
  EmulatorOptions options;
  options.latency = std::chrono::seconds(30);
  Start(options);
  auto pending = std::async(std::launch::async, [&] {
    net::HttpRequest r;
    r.url = emulator_->base_url() + "/v4/spreadsheets/x";
    return client_.Send(r);
  });
  // Once handled, the reply waits in the delay queue; Stop must not wait 30 s for it.
  const auto start = std::chrono::steady_clock::now();
  while (emulator_->requests_handled() == 0 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    std::this_thread::yield();
  }
  ASSERT_EQ(emulator_->requests_handled(), 1u);
  emulator_->Stop();
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto reply = pending.get();
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->status, 401);  // answered, not abandoned
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(EmulatorHttpTest, ADroppedRequestGetsNoReplyAtAll) {
  EmulatorOptions options;
  options.drop = 1.0;
  Start(options);
  const std::string token = SignIn();  // the token endpoint is never faulted
  auto id = emulator_->CreateSpreadsheet("Roster", {}, kAccount);
  net::HttpRequest r;
  r.url = emulator_->base_url() + "/v4/spreadsheets/" + *id;
  r.headers = {{"Authorization", "Bearer " + token}};
  const auto response = client_.Send(r);
  ASSERT_FALSE(response.ok()) << "got a reply: " << response->status << " " << response->body;
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
}

TEST_F(EmulatorHttpTest, AStateFileCarriesASpreadsheetAcrossARestartOnANewPort) {
  kraken::testing::TempDir dir;
  EmulatorOptions options;
  options.state_file = dir.Sub("state.json");
  Start(options);
  std::string token = SignIn();
  auto id = emulator_->CreateSpreadsheet("Roster", {"Pilots"}, kAccount);
  ASSERT_EQ(
      Send(
          "POST", "/v4/spreadsheets/" + *id + "/values:batchUpdate",
          R"({"valueInputOption":"USER_ENTERED","data":[{"range":"Pilots!A1","values":[["2026-12-04"]]}]})",
          token)
          .status,
      200);
  const std::string old_url = emulator_->base_url();
  emulator_.reset();

  Start(options);  // a new free port
  EXPECT_NE(emulator_->base_url(), old_url);
  EXPECT_EQ(emulator_->FindSpreadsheet("Roster"), *id);
  token = SignIn();
  const auto read =
      Send("GET", "/v4/spreadsheets/" + *id + "/values/Pilots?valueRenderOption=UNFORMATTED_VALUE",
           "", token);
  EXPECT_EQ(read.body, R"({"range":"Pilots!A1:Z1000","majorDimension":"ROWS","values":[[46360]]})");
}

}  // namespace
}  // namespace kraken::sheets
