// The server and client over TLS, with a self-signed certificate made here.

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "src/crypto/rsa.h"
#include "src/net/http_client.h"
#include "src/net/http_server.h"
#include "tests/src/crypto/self_signed_cert.h"
#include "tests/support/log_dir.h"

namespace kraken::net {
namespace {

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// A key and certificate pair written as PEM files.
struct CertFiles {
  std::string cert;
  std::string key;
};

CertFiles MakeCertFiles(const kraken::testing::TempDir& dir, const std::string& name,
                        const kraken::testing::CertificateSpec& spec) {
  static const crypto::RsaPrivateKey key = [] {
    auto k = crypto::RsaPrivateKey::Generate(2048);
    if (!k.ok()) throw std::runtime_error(k.error().message);
    return *k;
  }();
  CertFiles files{dir.Sub(name + "-cert.pem"), dir.Sub(name + "-key.pem")};
  WriteFile(files.cert, kraken::testing::MakeSelfSignedCertificate(key.PrivatePem(), spec));
  WriteFile(files.key, key.PrivatePem());
  return files;
}

kraken::testing::CertificateSpec LocalSpec() {
  kraken::testing::CertificateSpec spec;
  spec.common_name = "localhost";
  spec.dns_names = {"localhost"};
  spec.ip_addresses = {"127.0.0.1"};
  return spec;
}

std::unique_ptr<HttpServer> StartTls(const CertFiles& files) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls_cert_file = files.cert;
  options.tls_key_file = files.key;
  auto server = HttpServer::Start(options, [](ServerRequest&& request, Responder respond) {
    ServerResponse r;
    r.body = "secure " + request.body;
    respond(std::move(r));
  });
  if (!server.ok()) throw std::runtime_error(server.error().message);
  return std::move(server).value();
}

HttpRequest Post(std::string_view host, const HttpServer& server) {
  return {.method = "POST",
          .url = "https://" + std::string(host) + ":" + std::to_string(server.port()) + "/x",
          .headers = {},
          .body = "hello"};
}

TEST(HttpTlsTest, AClientTrustingTheCertificateTalksHttps) {
  kraken::testing::TempDir dir;
  const CertFiles files = MakeCertFiles(dir, "local", LocalSpec());
  auto server = StartTls(files);
  HttpClientOptions options;
  options.ca_file = files.cert;
  HttpClient client(options);
  for (int i = 0; i < 3; ++i) {
    auto response = client.Send(Post("127.0.0.1", *server));
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "secure hello");
  }
  EXPECT_EQ(client.connections_opened(), 1u);  // kept alive over TLS too

  auto by_name = client.Send(Post("localhost", *server));
  ASSERT_TRUE(by_name.ok()) << by_name.error().message;
  EXPECT_EQ(by_name->body, "secure hello");
}

TEST(HttpTlsTest, AnUntrustedCertificateIsRejected) {
  kraken::testing::TempDir dir;
  auto server = StartTls(MakeCertFiles(dir, "local", LocalSpec()));
  HttpClient client;  // the system store does not know our certificate
  auto response = client.Send(Post("127.0.0.1", *server));
  ASSERT_FALSE(response.ok());
  // Not kUnavailable: a retry cannot fix it, the configuration must.
  EXPECT_EQ(response.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(response.error().message.find("certificate"), std::string::npos)
      << response.error().message;
}

TEST(HttpTlsTest, ACertificateForAnotherHostIsRejected) {
  kraken::testing::TempDir dir;
  kraken::testing::CertificateSpec spec;
  spec.common_name = "other.example";
  spec.dns_names = {"other.example"};
  const CertFiles files = MakeCertFiles(dir, "other", spec);
  auto server = StartTls(files);
  HttpClientOptions options;
  options.ca_file = files.cert;  // trusted, but not for 127.0.0.1
  HttpClient client(options);
  auto response = client.Send(Post("127.0.0.1", *server));
  ASSERT_FALSE(response.ok());
  // Not kUnavailable: a retry cannot fix it, the configuration must.
  EXPECT_EQ(response.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(response.error().message.find("certificate"), std::string::npos)
      << response.error().message;
  EXPECT_NE(response.error().message.find("mismatch"), std::string::npos)
      << response.error().message;
}

TEST(HttpTlsTest, PlainHttpToATlsServerFailsCleanly) {
  kraken::testing::TempDir dir;
  auto server = StartTls(MakeCertFiles(dir, "local", LocalSpec()));
  HttpClientOptions options;
  options.request_timeout = std::chrono::milliseconds(2000);
  HttpClient client(options);
  auto response = client.Send({.method = "GET",
                               .url = "http://127.0.0.1:" + std::to_string(server->port()) + "/",
                               .headers = {},
                               .body = ""});
  EXPECT_FALSE(response.ok() && response->status == 200);
}

TEST(HttpTlsTest, UnreadableTlsFilesAreNamedInTheError) {
  kraken::testing::TempDir dir;
  const CertFiles files = MakeCertFiles(dir, "local", LocalSpec());
  auto handler = [](ServerRequest&&, Responder respond) { respond(ServerResponse{}); };

  ServerOptions missing_cert;
  missing_cert.listen = "127.0.0.1:0";
  missing_cert.tls_cert_file = dir.Sub("missing-cert.pem");
  missing_cert.tls_key_file = files.key;
  auto a = HttpServer::Start(missing_cert, handler);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("missing-cert.pem"), std::string::npos) << a.error().message;

  ServerOptions bad_key;
  bad_key.listen = "127.0.0.1:0";
  bad_key.tls_cert_file = files.cert;
  bad_key.tls_key_file = files.cert;  // a certificate is not a key
  auto b = HttpServer::Start(bad_key, handler);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find(files.cert), std::string::npos) << b.error().message;

  ServerOptions half;
  half.listen = "127.0.0.1:0";
  half.tls_cert_file = files.cert;
  EXPECT_FALSE(HttpServer::Start(half, handler).ok());

  HttpClientOptions client_options;
  client_options.ca_file = dir.Sub("no-such-ca.pem");
  HttpClient client(client_options);
  auto c = client.Send({.method = "GET", .url = "https://127.0.0.1:1/", .headers = {}, .body = ""});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("no-such-ca.pem"), std::string::npos) << c.error().message;
}

}  // namespace
}  // namespace kraken::net
