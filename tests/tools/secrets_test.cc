// Secrets never reach a log line, an error message, a reply or /metrics. The
// real `kraken serve` runs with a bot token, a fake Discord REST API on
// loopback (so deferred replies and follow-ups really go out, with interaction
// tokens in their URLs), the local development signing key and the embedded
// Sheets emulator (a service-account key, JWT assertions, access tokens);
// `kraken discord simulate` and CLI commands, failing ones included, run
// against it. Every byte any process printed is then searched for each secret.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <lmdb.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "src/net/http_client.h"
#include "tests/src/serve/fake_discord.h"
#include "tests/support/log_dir.h"

extern char** environ;

namespace kraken {
namespace {

using serve::testing::FakeDiscord;
using ::testing::HasSubstr;

constexpr char kApplicationId[] = "1380486651436073092";
constexpr char kGuildId[] = "1380488052169769110";
constexpr char kAdminRole[] = "1380490000000000001";
constexpr char kUser[] = "410212090289192960";

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string RandomHex(std::size_t bytes) {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string raw(bytes, '\0');
  urandom.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : raw) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

// A running `kraken` process whose stdout and stderr are read as they come.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::vector<std::string>& env,
        const std::string& cwd) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> argv_strings{KRAKEN_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& s : argv_strings) argv.push_back(const_cast<char*>(s.c_str()));
    argv.push_back(nullptr);
    for (auto& s : env) envp.push_back(const_cast<char*>(s.c_str()));
    envp.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const int null = open("/dev/null", O_RDONLY);
      if (null < 0 || chdir(cwd.c_str()) != 0) _exit(127);
      dup2(null, STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      dup2(err[1], STDERR_FILENO);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    readers_.emplace_back([this, fd = out[0]] { Drain(fd); });
    readers_.emplace_back([this, fd = err[0]] { Drain(fd); });
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }

  // Waits (up to `timeout`) until the output holds `text`.
  bool WaitForOutput(const std::string& text, std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return grew_.wait_for(lock, timeout, [&] { return output_.find(text) != std::string::npos; });
  }
  std::string output() const {
    std::lock_guard lock(mu_);
    return output_;
  }
  void Signal(int sig) { kill(pid_, sig); }
  // Waits for the exit and for both streams to end; the exit code.
  int Wait() {
    int status = 0;
    if (pid_ > 0 && waitpid(pid_, &status, 0) == pid_) pid_ = -1;
    for (auto& t : readers_) {
      if (t.joinable()) t.join();
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  void Drain(int fd) {
    char buffer[4096];
    for (;;) {
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      std::lock_guard lock(mu_);
      output_.append(buffer, static_cast<std::size_t>(n));
      grew_.notify_all();
    }
    close(fd);
  }

  pid_t pid_ = -1;
  mutable std::mutex mu_;
  std::condition_variable grew_;
  std::string output_;
  std::vector<std::thread> readers_;
};

class SecretsTest : public ::testing::Test {
 protected:
  SecretsTest() : bot_token_("MTM4.secret-" + RandomHex(24) + "." + RandomHex(16)) {}

  std::string DataDir() const { return dir_.Sub("data"); }

  // The environment every process gets: the secrets, and no KRAKEN_ or
  // DISCORD_ variable of the machine's own.
  std::vector<std::string> Env(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view v(*e);
      if (v.starts_with("KRAKEN_") || v.starts_with("DISCORD_") || v.starts_with("GOOGLE_")) {
        continue;
      }
      env.emplace_back(v);
    }
    for (const std::string& s : std::vector<std::string>{
             "KRAKEN_DATA_DIR=" + DataDir(), "KRAKEN_CONFIG=" + dir_.Sub("kraken.toml"),
             "KRAKEN_ACTOR=tester", "KRAKEN_LISTEN=127.0.0.1:0", "DISCORD_BOT_TOKEN=" + bot_token_,
             "DISCORD_API_BASE=" + discord_.base(),
             std::string("DISCORD_APPLICATION_ID=") + kApplicationId,
             std::string("KRAKEN_GUILD_ID=") + kGuildId,
             std::string("KRAKEN_ADMIN_ROLE_IDS=") + kAdminRole}) {
      env.push_back(s);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
  }

  // Runs `kraken args...` to its end; everything it printed joins the record.
  std::string Kraken(const std::vector<std::string>& args, int expect_exit,
                     const std::vector<std::string>& extra_env = {}) {
    Child child(args, Env(extra_env), dir_.path());
    const int code = child.Wait();
    const std::string out = child.output();
    EXPECT_EQ(code, expect_exit) << "kraken " << ::testing::PrintToString(args) << "\n" << out;
    Record("kraken " + ::testing::PrintToString(args), out);
    return out;
  }

  std::string Simulate(const std::vector<std::string>& words, bool admin = false,
                       int expect_exit = 0) {
    std::vector<std::string> args{"discord", "simulate", "--url", url_, "--user", kUser};
    if (admin) args.insert(args.end(), {"--roles", kAdminRole});
    args.insert(args.end(), words.begin(), words.end());
    return Kraken(args, expect_exit);
  }

  // Starts `kraken serve` and learns its URL (url_ stays empty if it does not come up).
  std::unique_ptr<Child> StartServe() {
    auto serve = std::make_unique<Child>(std::vector<std::string>{"serve"}, Env(), dir_.path());
    if (serve->WaitForOutput("listening on http://", std::chrono::seconds(30))) {
      const std::string out = serve->output();
      const auto at = out.find("listening on ") + std::string("listening on ").size();
      url_ = out.substr(at, out.find(' ', at) - at);
    }
    return serve;
  }

  void Record(const std::string& what, const std::string& text) { record_.push_back({what, text}); }

  std::string Metrics() {
    net::HttpClient client;
    auto response = client.Send({"GET", url_ + "/metrics", {}, ""});
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
    if (!response.ok()) return "";
    EXPECT_EQ(response->status, 200);
    Record("GET /metrics", response->body);
    return response->body;
  }

  // Waits until Discord has received a request whose body holds `text`.
  bool WaitForRequest(const std::string& text) {
    for (;;) {
      const auto got = discord_.received();
      for (const auto& r : got) {
        if (r.body.find(text) != std::string::npos) return true;
      }
      if (!discord_.WaitFor(got.size() + 1, std::chrono::seconds(20))) return false;
    }
  }

  // Fails the test for every recorded text that holds `secret`.
  void ExpectNowhere(const std::string& secret, const std::string& what) {
    ASSERT_GE(secret.size(), 16u) << what << " is too short to search for";
    for (const auto& [origin, text] : record_) {
      EXPECT_EQ(text.find(secret), std::string::npos) << what << " leaked in " << origin;
    }
  }
  void ExpectNoMatch(const std::regex& pattern, const std::string& what) {
    for (const auto& [origin, text] : record_) {
      std::smatch m;
      EXPECT_FALSE(std::regex_search(text, m, pattern))
          << what << " leaked in " << origin << ": " << m.str();
    }
  }

  kraken::testing::TempDir dir_;
  FakeDiscord discord_;
  const std::string bot_token_;
  std::string url_;
  std::vector<std::pair<std::string, std::string>> record_;  // (what printed it, the text)
};

// The interaction tokens in the URLs Discord received: /webhooks/<app>/<token>.
std::vector<std::string> InteractionTokens(const std::vector<serve::testing::Received>& got) {
  std::vector<std::string> tokens;
  const std::string prefix = std::string("/api/v10/webhooks/") + kApplicationId + "/";
  for (const auto& r : got) {
    if (!r.target.starts_with(prefix)) continue;
    const std::string rest = r.target.substr(prefix.size());
    tokens.push_back(rest.substr(0, rest.find_first_of("/?")));
  }
  return tokens;
}

TEST_F(SecretsTest, NoSecretAppearsInAnyOutputOfAFullRun) {
  std::ofstream(dir_.Sub("kraken.toml")) << "[sync]\n"
                                            "interval_seconds = 1\n"
                                            "conflict_policy = \"sheet-wins\"\n";
  Kraken({"import", std::string(KRAKEN_SOURCE_DIR) + "/tools/sample/corps.csv", "--apply"}, 0);

  const std::unique_ptr<Child> serve = StartServe();
  ASSERT_FALSE(url_.empty()) << serve->output();
  Simulate({"pilot", "register", "name=Tarin Vey", "corp=KRKN", "clone=Alpha"});
  // A sync from the CLI writes the sheet (Tarin Vey on row 2); the embedded
  // emulator's key file exists from here on.
  Kraken({"sync"}, 0);

  // A deferred reply: the append waits for the log's write lock (held here, as
  // a long CLI import would), the endpoint answers "thinking..." after 2 s, and
  // the answer goes to Discord with the interaction's token. Discord refuses
  // it (an expired token, say), so the error path is logged too.
  discord_.Answer(FakeDiscord::Json(404, R"({"message":"Unknown Webhook","code":10015})"));
  {
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), MDB_SUCCESS);
    ASSERT_EQ(mdb_env_set_maxdbs(env, 8), MDB_SUCCESS);
    ASSERT_EQ(mdb_env_open(env, DataDir().c_str(), MDB_NOTLS, 0644), MDB_SUCCESS);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), MDB_SUCCESS);
    EXPECT_THAT(Simulate({"pilot", "set", "field=timezone", "value=UTC+2"}), HasSubstr("deferred"));
    mdb_txn_abort(txn);
    mdb_env_close(env);
  }
  ASSERT_TRUE(WaitForRequest("timezone")) << serve->output();

  // A change from Discord that a sheet edit made meanwhile overrides
  // (sheet-wins): the user is told with a follow-up on their interaction's
  // token. The sync lock keeps serve's sync loop out until both are made.
  {
    const int lock = open((DataDir() + "/sync.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(lock, 0);
    ASSERT_EQ(flock(lock, LOCK_EX), 0);
    Simulate({"pilot", "set", "field=notes", "value=from discord"});
    Kraken({"sheet", "set", "Pilots", "H2", "from the sheet"}, 0);
    close(lock);
  }
  ASSERT_TRUE(WaitForRequest("was replaced by")) << serve->output();

  // Failing interactions.
  Simulate({"pilot", "set", "field=clone", "value=Alfa"});
  Simulate({"admin", "set", "pilot", "name=Tarin Vey", "field=corp", "value=BLKWT"});
  Simulate({"pilot", "show", "name=Nobody Known"});
  Simulate({"pilot", "register", "name=Tarin Vey", "corp=NOPE", "clone=Alpha"});
  {
    const std::string other_key = dir_.Sub("other-key");
    std::ofstream(other_key) << RandomHex(32) << "\n";
    Kraken({"discord", "simulate", "--url", url_, "--key-file", other_key, "roster"}, 1);
  }
  Metrics();

  // CLI commands, failing ones among them. Discord refuses the bot token.
  discord_.Answer(FakeDiscord::Json(401, R"({"message":"401: Unauthorized","code":0})"));
  Kraken({"discord", "register"}, 1);
  Kraken({"pilot", "set", "Nobody Known", "clone=Alpha"}, 1);
  Kraken({"sync"}, 0);
  Kraken({"conflicts"}, 0);
  Kraken({"log", "--json"}, 0);
  {
    // A config file holding the token, with a mistake after it.
    const std::string bad = dir_.Sub("bad.toml");
    std::ofstream(bad) << "[discord]\nbot_token = \"" << bot_token_ << "\"\nbot_tokn = \""
                       << bot_token_ << "\"\n";
    Kraken({"--config", bad, "pilots"}, 1);
  }
  const std::string key_path = DataDir() + "/sheets-dev-key.json";
  const std::string key_json = ReadWholeFile(key_path);
  ASSERT_THAT(key_json, HasSubstr("PRIVATE KEY"));
  {
    // Google credentials whose token endpoint refuses the grant: a JWT is
    // signed with the private key and sent, and the exchange fails.
    std::string refused = key_json;
    const auto at = refused.find("\"token_uri\"");
    ASSERT_NE(at, std::string::npos);
    const auto start = refused.find('"', refused.find(':', at)) + 1;
    refused.replace(start, refused.find('"', start) - start, discord_.base() + "/token");
    std::ofstream(dir_.Sub("refused-key.json")) << refused;
    const std::size_t before = discord_.received().size();
    discord_.Answer(FakeDiscord::Json(
        400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})"));
    EXPECT_THAT(
        Kraken({"sync"}, 1,
               {"GOOGLE_APPLICATION_CREDENTIALS=" + dir_.Sub("refused-key.json"),
                "KRAKEN_SPREADSHEET_ID=1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg",
                "KRAKEN_SHEETS_ROOT=http://127.0.0.1:1", "KRAKEN_DRIVE_ROOT=http://127.0.0.1:1"}),
        HasSubstr("invalid_grant"));
    const auto got = discord_.received();
    ASSERT_GT(got.size(), before);
    EXPECT_THAT(got[before].body, HasSubstr("assertion=")) << "no JWT was sent";
  }
  Metrics();

  serve->Signal(SIGTERM);
  EXPECT_EQ(serve->Wait(), 0);
  Record("kraken serve", serve->output());

  // The run did what it should: replies deferred and followed up, Discord used.
  const auto received = discord_.received();
  const std::vector<std::string> tokens = InteractionTokens(received);
  ASSERT_GE(std::set<std::string>(tokens.begin(), tokens.end()).size(), 2u)
      << "the deferred reply and the follow-up did not both reach the fake Discord";
  bool sent_bot_token = false;
  for (const auto& r : received) sent_bot_token |= r.Header("Authorization") == "Bot " + bot_token_;
  EXPECT_TRUE(sent_bot_token) << "the bot token was never used, so its absence proves nothing";
  EXPECT_THAT(serve->output(), HasSubstr("deferred"));

  ExpectNowhere(bot_token_, "the bot token");
  ExpectNowhere(bot_token_.substr(0, 24), "the start of the bot token");
  ExpectNowhere(bot_token_.substr(bot_token_.size() - 24), "the end of the bot token");
  for (const std::string& token : tokens) ExpectNowhere(token, "an interaction token");
  ExpectNoMatch(std::regex(R"(sim\.[A-Za-z0-9_-]{16,})"), "an interaction token");

  std::string seed = ReadWholeFile(DataDir() + "/discord-dev-key");
  seed.erase(seed.find_last_not_of(" \n\r\t") + 1);
  ASSERT_EQ(seed.size(), 64u);
  ExpectNowhere(seed, "the development key's seed");
  std::string upper = seed;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ExpectNowhere(upper, "the development key's seed");

  simdjson::dom::parser parser;
  simdjson::dom::element key;
  ASSERT_EQ(parser.parse(key_json).get(key), simdjson::SUCCESS);
  // Not private_key_id: it names the key (Google's console lists it, JWT
  // headers carry it) and the error for a refused key says which to replace.
  std::string_view pem;
  ASSERT_EQ(key["private_key"].get(pem), simdjson::SUCCESS);
  std::istringstream lines{std::string(pem)};
  int body_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.starts_with("-----")) continue;
    ++body_lines;
    if (line.size() >= 16) ExpectNowhere(line, "a line of the service account's private key");
  }
  EXPECT_GT(body_lines, 10);
  ExpectNoMatch(std::regex("PRIVATE KEY"), "a private key");
  ExpectNoMatch(std::regex(R"(ya29\.)"), "a Google access token");
  ExpectNoMatch(std::regex(R"(eyJ[A-Za-z0-9_-]{10,}\.eyJ)"), "a signed JWT assertion");
  ExpectNoMatch(std::regex(R"(Bot [A-Za-z0-9._-]{20,})"), "an Authorization header");
}

// Not a secrets check but the same full run: a conflict settled in another
// process with `kraken conflicts resolve` (the manual policy) reaches the
// Discord user whose change lost, through the running server's interaction
// token, and no secret shows on the way.
TEST_F(SecretsTest, AConflictSettledFromTheCliIsAnnouncedToTheDiscordUser) {
  std::ofstream(dir_.Sub("kraken.toml")) << "[sync]\n"
                                            "interval_seconds = 3600\n"
                                            "conflict_policy = \"manual\"\n";
  Kraken({"import", std::string(KRAKEN_SOURCE_DIR) + "/tools/sample/corps.csv", "--apply"}, 0);
  const std::unique_ptr<Child> serve = StartServe();
  ASSERT_FALSE(url_.empty()) << serve->output();
  Simulate({"pilot", "register", "name=Tarin Vey", "corp=KRKN", "clone=Alpha"});
  Kraken({"sync"}, 0);  // Tarin Vey on row 2
  Simulate({"pilot", "set", "field=notes", "value=from discord"});
  Kraken({"sheet", "set", "Pilots", "H2", "from the sheet"}, 0);
  EXPECT_THAT(Kraken({"sync"}, 0), HasSubstr("1 conflict(s)"));
  std::string id;
  {
    std::istringstream lines(Kraken({"conflicts"}, 0));
    for (std::string line; std::getline(lines, line);) {
      if (line.find(" open") != std::string::npos) id = line.substr(0, line.find(' '));
    }
  }
  ASSERT_FALSE(id.empty());
  EXPECT_THAT(Kraken({"conflicts", "resolve", id, "sheet"}, 0),
              HasSubstr("'from the sheet' stands"));

  ASSERT_TRUE(WaitForRequest("was replaced by an admin's decision")) << serve->output();
  serve->Signal(SIGTERM);
  EXPECT_EQ(serve->Wait(), 0);  // its watch polls once more and its notices go out first

  // Exactly one notice in the whole run (none while the conflict was open, no
  // repeat): an ephemeral follow-up on the interaction that made the change.
  const auto received = discord_.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(InteractionTokens(received).size(), 1u) << received[0].target;
  EXPECT_THAT(received[0].body, HasSubstr("Your change of notes for Tarin Vey to 'from discord'"));
  EXPECT_THAT(received[0].body, HasSubstr("it is now 'from the sheet'"));
  Record("kraken serve", serve->output());
  ExpectNowhere(bot_token_, "the bot token");
  for (const std::string& token : InteractionTokens(received)) {
    ExpectNowhere(token, "an interaction token");
  }
}

}  // namespace
}  // namespace kraken
