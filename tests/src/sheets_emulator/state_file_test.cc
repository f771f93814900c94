// Persistence: a local user's spreadsheet survives restarts; keys stay public.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/src/sheets_emulator/core_fixture.h"
#include "tests/support/log_dir.h"

namespace kraken::sheets::emu::testing {
namespace {

class StateFileTest : public CoreTest {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen(bool import_keys = true) {
    CoreOptions options;
    options.state_file = path_;
    Open(options, /*keep_quotas=*/false, import_keys);
    token_.clear();
  }
  net::ServerResponse BatchUpdate(const std::string& requests_json) {
    return Call("POST", "/v4/spreadsheets/" + id_ + ":batchUpdate",
                "{\"requests\":" + requests_json + "}");
  }
  std::string ReadState() const {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  kraken::testing::TempDir dir_;
  std::string path_ = dir_.Sub("sheets-emulator.json");
};

TEST_F(StateFileTest, HiddenColumnsMoveWithInsertsAndSurviveARestart) {
  MakeSpreadsheet({"Pilots"});
  ASSERT_EQ(
      BatchUpdate(R"([{"updateDimensionProperties":{"range":{"sheetId":0,"dimension":"COLUMNS",)"
                  R"("startIndex":0,"endIndex":1},"properties":{"hiddenByUser":true},)"
                  R"("fields":"hiddenByUser"}}])")
          .status,
      200);
  EXPECT_NE(ReadState().find(R"("hidden_cols":[0])"), std::string::npos) << ReadState();
  // Two columns inserted before it: the hidden column is now C.
  ASSERT_EQ(BatchUpdate(R"([{"insertDimension":{"range":{"sheetId":0,"dimension":"COLUMNS",)"
                        R"("startIndex":0,"endIndex":2}}}])")
                .status,
            200);
  Reopen();
  token_ = TokenFor(kAccount);
  EXPECT_NE(ReadState().find(R"("hidden_cols":[2])"), std::string::npos) << ReadState();
  // The field mask is required, and a range outside the grid is an error.
  EXPECT_EQ(
      BatchUpdate(R"([{"updateDimensionProperties":{"range":{"sheetId":0,"dimension":"COLUMNS",)"
                  R"("startIndex":0,"endIndex":1},"properties":{"hiddenByUser":false}}}])")
          .status,
      400);
  EXPECT_EQ(BatchUpdate(R"([{"updateDimensionProperties":{"range":{"sheetId":0,"dimension":"ROWS",)"
                        R"("startIndex":999,"endIndex":1001},"properties":{"hiddenByUser":true},)"
                        R"("fields":"hiddenByUser"}}])")
                .status,
            400);
  ASSERT_EQ(
      BatchUpdate(R"([{"updateDimensionProperties":{"range":{"sheetId":0,"dimension":"COLUMNS",)"
                  R"("startIndex":2,"endIndex":3},"properties":{"hiddenByUser":false},)"
                  R"("fields":"hiddenByUser"}}])")
          .status,
      200);
  EXPECT_NE(ReadState().find(R"("hidden_cols":[])"), std::string::npos) << ReadState();
}

TEST_F(StateFileTest, NotesStayWithTheirCellsAndSurviveARestart) {
  MakeSpreadsheet({"Pilots"});
  ASSERT_EQ(BatchUpdate(
                R"([{"updateCells":{"range":{"sheetId":0,"startRowIndex":3,"endRowIndex":4,)"
                R"("startColumnIndex":2,"endColumnIndex":3},"rows":[{"values":[{"note":"why"}]}],)"
                R"("fields":"note"}}])")
                .status,
            200);
  EXPECT_EQ(*core_->Note(id_, "Pilots", 3, 2), "why");
  // A row inserted above moves the note down with its cell.
  ASSERT_EQ(BatchUpdate(R"([{"insertDimension":{"range":{"sheetId":0,"dimension":"ROWS",)"
                        R"("startIndex":0,"endIndex":1}}}])")
                .status,
            200);
  Reopen();
  token_ = TokenFor(kAccount);
  EXPECT_EQ(*core_->Note(id_, "Pilots", 3, 2), "");
  EXPECT_EQ(*core_->Note(id_, "Pilots", 4, 2), "why");
  // Values through updateCells are not emulated: said so, not silently dropped.
  const auto values = BatchUpdate(R"([{"updateCells":{"range":{"sheetId":0},"rows":[],)"
                                  R"("fields":"userEnteredValue"}}])");
  EXPECT_EQ(values.status, 400);
  EXPECT_NE(values.body.find("notes only"), std::string::npos) << values.body;
  EXPECT_FALSE(core_->Note(id_, "Nope", 0, 0).ok());
}

TEST_F(StateFileTest, ASpreadsheetSurvivesARestartWithItsValuesFormatsAndVersion) {
  MakeSpreadsheet({"Pilots", "Main Roster"});
  ASSERT_EQ(Write("Pilots!A1", R"([["0012","2026-12-04","TRUE","=A1","12%",1.5]])", "USER_ENTERED")
                .status,
            200);
  ASSERT_EQ(Write("'Main Roster'!B2", R"([["0012","Ünïcødé"]])", "RAW").status, 200);
  ASSERT_EQ(
      Call("POST", "/v4/spreadsheets/" + id_ + ":batchUpdate",
           R"({"requests":[{"appendDimension":{"sheetId":0,"dimension":"ROWS","length":10}},)"
           R"({"addProtectedRange":{"protectedRange":{"range":{"sheetId":0,"endRowIndex":1}}}}]})")
          .status,
      200);
  const std::string before_sheet = Call("GET", "/v4/spreadsheets/" + id_).body;
  const std::string before_drive =
      Call("GET", "/drive/v3/files/" + id_ + "?fields=version,modifiedTime").body;

  Reopen();
  token_ = TokenFor(kAccount);  // access tokens do not survive a restart; keys do
  EXPECT_EQ(Call("GET", "/v4/spreadsheets/" + id_).body, before_sheet);
  EXPECT_EQ(Call("GET", "/drive/v3/files/" + id_ + "?fields=version,modifiedTime").body,
            before_drive);
  EXPECT_EQ(ValuesText(Get("Pilots")), R"([["12","2026-12-04","TRUE","=A1","12%","1.5"]])");
  EXPECT_EQ(ValuesText(Get("Pilots", "valueRenderOption=UNFORMATTED_VALUE")),
            R"([[12,46360,true,"=A1",0.12,1.5]])");
  EXPECT_EQ(ValuesText(Get("'Main Roster'")), R"([[],["","0012","Ünïcødé"]])");
  ASSERT_EQ(Write("Pilots!A2", R"([["after"]])").status, 200);
  EXPECT_EQ(
      Json(Call("GET", "/drive/v3/files/" + id_ + "?fields=version")).Get("version")->string(),
      "5");
}

TEST_F(StateFileTest, TheStateHoldsPublicKeysOnlyAndIsPrivateToItsOwner) {
  MakeSpreadsheet();
  const std::string state = ReadState();
  EXPECT_NE(state.find("BEGIN PUBLIC KEY"), std::string::npos);
  EXPECT_EQ(state.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(state.find(token_), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(StateFileTest, AKeyFileFromBeforeARestartStillSignsIn) {
  core_.reset();
  std::filesystem::remove(path_);
  Reopen(/*import_keys=*/false);
  JwtClaims c;
  c.iat = NowSeconds();
  c.exp = c.iat + 3600;
  // A fresh state knows no keys.
  EXPECT_EQ(PostToken(SignJwt(SharedKeyPem(0), c)).status, 400);
  Reopen(/*import_keys=*/true);
  Reopen(/*import_keys=*/false);
  EXPECT_EQ(PostToken(SignJwt(SharedKeyPem(0), c)).status, 200);
}

TEST_F(StateFileTest, AskingForAKeyAfterARestartAddsANewKeyAndKeepsTheOld) {
  Reopen(/*import_keys=*/false);
  // The restarted emulator has kAccount's public key but not its private key.
  auto key_file = core_->ServiceAccountKey(kAccount);
  ASSERT_TRUE(key_file.ok());
  const std::string new_pem = JsonValue::Parse(*key_file)->Get("private_key")->string();
  EXPECT_NE(new_pem, SharedKeyPem(0));
  JwtClaims c;
  c.iat = NowSeconds();
  c.exp = c.iat + 3600;
  EXPECT_EQ(PostToken(SignJwt(new_pem, c)).status, 200);
  EXPECT_EQ(PostToken(SignJwt(SharedKeyPem(0), c)).status, 200);
  Reopen(/*import_keys=*/false);
  EXPECT_EQ(PostToken(SignJwt(new_pem, c)).status, 200);
}

TEST_F(StateFileTest, ASecondEmulatorOnTheSameStateFileIsRefused) {
  CoreOptions options;
  options.state_file = path_;
  auto second = EmulatorCore::Open(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(second.error().message.find("in use by another running emulator"), std::string::npos);
  core_.reset();  // the first one stops: the file is free
  EXPECT_TRUE(EmulatorCore::Open(options).ok());
}

TEST_F(StateFileTest, AnUnwritableStatePathFailsAtStart) {
  CoreOptions options;
  options.state_file = dir_.Sub("missing-dir/state.json");
  auto core = EmulatorCore::Open(options);
  ASSERT_FALSE(core.ok());
  EXPECT_EQ(core.error().code, ErrorCode::kIo);
}

TEST_F(StateFileTest, ACorruptStateFileIsAnErrorNamingIt) {
  core_.reset();
  std::ofstream(path_) << "{\"format\":\"kraken-sheets-emulator/1\",\"accounts\":[{\"email\":3}]";
  CoreOptions options;
  options.state_file = path_;
  auto core = EmulatorCore::Open(options);
  ASSERT_FALSE(core.ok());
  EXPECT_EQ(core.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(core.error().message.find(path_), std::string::npos) << core.error().message;
  std::ofstream(path_)
      << R"({"format":"kraken-sheets-emulator/1","accounts":[{"email":3}],"spreadsheets":[]})";
  core = EmulatorCore::Open(options);
  ASSERT_FALSE(core.ok());
  EXPECT_NE(core.error().message.find("'email'"), std::string::npos) << core.error().message;
}

}  // namespace
}  // namespace kraken::sheets::emu::testing
