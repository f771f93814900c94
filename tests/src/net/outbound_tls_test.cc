// Outbound TLS through the real clients: the Discord REST client and the
// Sheets client (its token exchange and its API calls) refuse a loopback https
// server whose self-signed certificate nothing vouches for, saying what to do,
// and talk to it once the configuration names the certificate as a CA file.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <stdexcept>

#include "src/config/config.h"
#include "src/crypto/rsa.h"
#include "src/discord/rest_client.h"
#include "src/net/http_server.h"
#include "src/sheets/sheets_backend.h"
#include "src/sheets/sheets_client.h"
#include "tests/src/crypto/self_signed_cert.h"
#include "tests/support/log_dir.h"

namespace kraken {
namespace {

using ::testing::HasSubstr;

const crypto::RsaPrivateKey& Key() {
  static const crypto::RsaPrivateKey key = [] {
    auto k = crypto::RsaPrivateKey::Generate(2048);
    if (!k.ok()) throw std::runtime_error(k.error().message);
    return *k;
  }();
  return key;
}

// A loopback server answering as Discord and Google would, over https with a
// self-signed certificate (written to cert_file), or over plain http.
class StandIn {
 public:
  StandIn(const testing::TempDir& dir, bool tls) : cert_file_(dir.Sub("stand-in-cert.pem")) {
    net::ServerOptions options;
    options.listen = "127.0.0.1:0";
    if (tls) {
      testing::CertificateSpec spec;
      spec.dns_names = {"localhost"};
      spec.ip_addresses = {"127.0.0.1"};
      std::ofstream(cert_file_) << testing::MakeSelfSignedCertificate(Key().PrivatePem(), spec);
      std::ofstream(dir.Sub("stand-in-key.pem")) << Key().PrivatePem();
      options.tls_cert_file = cert_file_;
      options.tls_key_file = dir.Sub("stand-in-key.pem");
    }
    auto server = net::HttpServer::Start(options, [this](net::ServerRequest&& r,
                                                         net::Responder respond) {
      {
        std::lock_guard lock(mu_);
        paths_.push_back(std::string(r.Path()));
      }
      net::ServerResponse response;
      response.headers = {{"Content-Type", "application/json"}};
      if (r.Path() == "/token") {
        response.body =
            R"({"access_token":"ya29.stand-in","expires_in":3599,"token_type":"Bearer"})";
      } else if (r.Path().starts_with("/v4/spreadsheets/")) {
        response.body =
            R"({"spreadsheetId":"sheet1","properties":{"title":"Roster"},"sheets":[{"properties":)"
            R"({"sheetId":0,"title":"Pilots","index":0,"gridProperties":{"rowCount":10,)"
            R"("columnCount":5}}}]})";
      } else {
        response.body = "[]";
      }
      respond(std::move(response));
    });
    if (!server.ok()) throw std::runtime_error(server.error().message);
    server_ = std::move(server).value();
    root_ = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(server_->port());
  }

  const std::string& root() const { return root_; }
  const std::string& cert_file() const { return cert_file_; }
  std::vector<std::string> paths() const {
    std::lock_guard lock(mu_);
    return paths_;
  }

 private:
  std::string cert_file_;
  std::string root_;
  mutable std::mutex mu_;
  std::vector<std::string> paths_;
  std::unique_ptr<net::HttpServer> server_;
};

// What an operator writes: the stand-in's certificate as the CA file, or none.
Config ConfigWith(const std::string& toml) {
  auto config = ParseConfig(toml, "test.toml", [](const std::string&) { return std::nullopt; });
  if (!config.ok()) throw std::runtime_error(config.error().message);
  return *config;
}

discord::RestOptions RestOptionsFrom(const Config& config, const std::string& api_base) {
  discord::RestOptions options;
  options.api_base = api_base;
  options.application_id = "1380486651436073092";
  options.bot_token = "bot-token-for-tests";
  options.ca_file = config.discord.ca_file;
  options.max_attempts = 2;
  options.retry_backoff = std::chrono::milliseconds(10);
  options.deadline = std::chrono::milliseconds(5'000);
  return options;
}

TEST(OutboundTlsTest, CaFilesAreReadFromTheConfigAndTheEnvironment) {
  const Config file =
      ConfigWith("[discord]\nca_file = \"/etc/a.pem\"\n[sheets]\nca_file = \"/etc/b.pem\"\n");
  EXPECT_EQ(file.discord.ca_file, "/etc/a.pem");
  EXPECT_EQ(file.sheets.ca_file, "/etc/b.pem");
  auto env =
      ParseConfig("", "test.toml", [](const std::string& name) -> std::optional<std::string> {
        if (name == "KRAKEN_CA_FILE") return "/etc/proxy-ca.pem";
        return std::nullopt;
      });
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->discord.ca_file, "/etc/proxy-ca.pem");
  EXPECT_EQ(env->sheets.ca_file, "/etc/proxy-ca.pem");
  EXPECT_TRUE(ConfigWith("").discord.ca_file.empty());
}

TEST(OutboundTlsTest, TheDiscordClientRefusesAnUnverifiedCertificateUnlessItsCaFileIsSet) {
  testing::TempDir dir;
  StandIn discord(dir, true);
  const std::string base = discord.root() + "/api/v10";

  auto refusing = discord::RestClient::Create(RestOptionsFrom(ConfigWith(""), base));
  ASSERT_TRUE(refusing.ok()) << refusing.error().message;
  auto refused = (*refusing)->BulkOverwriteCommands("[]");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("certificate"));
  EXPECT_THAT(refused.error().message, HasSubstr("set ca_file"));
  EXPECT_THAT(discord.paths(), ::testing::IsEmpty()) << "a request got through the handshake";

  const Config trusting = ConfigWith("[discord]\nca_file = \"" + discord.cert_file() + "\"\n");
  auto client = discord::RestClient::Create(RestOptionsFrom(trusting, base));
  ASSERT_TRUE(client.ok()) << client.error().message;
  auto done = (*client)->BulkOverwriteCommands("[]");
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_THAT(discord.paths(),
              ::testing::ElementsAre("/api/v10/applications/1380486651436073092/commands"));
}

class SheetsTlsTest : public ::testing::Test {
 protected:
  // A client for `api_root` whose key exchanges its JWT at `token_root`/token,
  // with the options `config` asks for.
  std::unique_ptr<sheets::SheetsClient> Client(const Config& config, const std::string& token_root,
                                               const std::string& api_root) {
    sheets::ServiceAccountKey key;
    key.client_email = "kraken@kraken-tests.iam.gserviceaccount.com";
    key.private_key_id = "0123456789abcdef";
    key.private_key_pem = Key().PrivatePem();
    key.token_uri = token_root + "/token";
    SheetsConfig sheets = config.sheets;
    sheets.spreadsheet_id = "sheet1";
    sheets.sheets_root = api_root;
    sheets.drive_root = api_root;
    sheets::SheetsClientOptions options = sheets::ClientOptionsFromConfig(sheets);
    options.reads_per_minute = 0;
    options.writes_per_minute = 0;
    options.retry.initial_backoff = std::chrono::milliseconds(10);
    options.retry.max_backoff = std::chrono::milliseconds(20);
    // Long: a refused certificate must fail at once, not be retried until then.
    options.retry.deadline = std::chrono::seconds(60);
    auto client = sheets::SheetsClient::Create(std::move(key), std::move(options));
    if (!client.ok()) throw std::runtime_error(client.error().message);
    return std::move(client).value();
  }

  testing::TempDir dir_;
};

TEST_F(SheetsTlsTest, TheTokenExchangeRefusesAnUnverifiedCertificate) {
  StandIn google(dir_, true);
  const auto start = std::chrono::steady_clock::now();
  auto refused = Client(ConfigWith(""), google.root(), google.root())->GetSpreadsheet();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20))
      << "a certificate that does not verify was retried as if the failure were transient";
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message, HasSubstr("certificate"));
  EXPECT_THAT(refused.error().message, HasSubstr("set ca_file"));
  EXPECT_THAT(google.paths(), ::testing::IsEmpty()) << "the JWT was sent anyway";
}

TEST_F(SheetsTlsTest, TheApiRefusesAnUnverifiedCertificateEvenWithAToken) {
  StandIn token(dir_, false);  // plain http on loopback: trusted as local
  StandIn google(dir_, true);
  auto refused = Client(ConfigWith(""), token.root(), google.root())->GetSpreadsheet();
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("certificate"));
  EXPECT_THAT(refused.error().message, HasSubstr("set ca_file"));
  EXPECT_THAT(token.paths(), ::testing::ElementsAre("/token"));
  EXPECT_THAT(google.paths(), ::testing::IsEmpty()) << "the access token was sent anyway";
}

TEST_F(SheetsTlsTest, BothAreAcceptedWithTheCaFileConfigured) {
  StandIn google(dir_, true);
  const Config trusting = ConfigWith("[sheets]\nca_file = \"" + google.cert_file() + "\"\n");
  auto info = Client(trusting, google.root(), google.root())->GetSpreadsheet();
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_NE(info->Find("Pilots"), nullptr);
  const auto paths = google.paths();
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0], "/token");
  EXPECT_THAT(paths[1], ::testing::StartsWith("/v4/spreadsheets/sheet1"));
}

}  // namespace
}  // namespace kraken
