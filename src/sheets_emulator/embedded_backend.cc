#include "src/sheets_emulator/embedded_backend.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>
#include <utility>

#include "src/config/config.h"
#include "src/sheets_emulator/emulator.h"

namespace kraken::sheets {
namespace {

constexpr char kStateFile[] = "sheets-emulator.json";
constexpr char kKeyFile[] = "sheets-dev-key.json";
constexpr char kIdFile[] = "sheets-spreadsheet-id";
constexpr char kLockFile[] = "sheets-emulator.lock";
constexpr char kUrlFile[] = "sheets-emulator.url";
constexpr char kTitle[] = "KRAKEN (local emulator)";
const std::vector<std::string> kTabs = {"Pilots", "Corps"};

Error FileError(const std::string& path, std::string_view doing) {
  return MakeError(ErrorCode::kIo, fmt::format("cannot {} {}: {}; check that the data directory "
                                               "is writable (KRAKEN_DATA_DIR)",
                                               doing, path, std::strerror(errno)));
}

// Replaces `path` with `text`, readable by its owner only (it may hold a key).
Status WritePrivateFile(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(tmp, "create");
  bool ok = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  Error error = ok ? Error{} : FileError(tmp, "write");
  ::close(fd);
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = FileError(path, "replace");
    ok = false;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return error;
  }
  return Ok{};
}

// The remembered spreadsheet id, "" when there is none yet.
std::string ReadId(const std::string& path) {
  std::ifstream in(path);
  std::string id;
  in >> id;
  return id;
}

// Keeps the emulator running (and its lock held) as long as the client that
// talks to it.
class EmbeddedBackend final : public SheetsBackend {
 public:
  EmbeddedBackend(std::unique_ptr<SheetsEmulator> emulator, int lock_fd,
                  std::unique_ptr<SheetsClient> client, std::string description)
      : SheetsBackend(std::move(client), std::move(description)),
        emulator_(std::move(emulator)),
        lock_fd_(lock_fd) {}
  ~EmbeddedBackend() override {
    emulator_.reset();
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
  }

 private:
  std::unique_ptr<SheetsEmulator> emulator_;
  int lock_fd_ = -1;
};

// One process at a time runs the emulator over a data directory's state file
// (two would overwrite each other's changes). The one holding the lock announces
// its address in sheets-emulator.url; the others (the CLI beside `kraken serve`)
// talk to that one. Returns the held lock, or -1 when another process holds it.
Result<int> TryLock(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(path, "open");
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
  const int error = errno;
  ::close(fd);
  if (error == EWOULDBLOCK) return -1;
  errno = error;
  return FileError(path, "lock");
}

// Adds whichever of KRAKEN's tabs the spreadsheet lacks (one write, if any).
Status EnsureTabs(SheetsClient& client, const SpreadsheetInfo& info) {
  std::vector<SpreadsheetRequest> missing;
  for (const auto& tab : kTabs) {
    if (!info.Find(tab)) missing.push_back(SpreadsheetRequest::AddSheet(tab));
  }
  return client.BatchUpdateSpreadsheet(missing);
}

// The key file written by an earlier run, pointed at this run's emulator, or
// nullopt. Reusing it keeps the emulator from registering a new key every run.
std::optional<ServiceAccountKey> EarlierKey(const std::string& path, const std::string& base_url) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto key = ParseServiceAccountKey(text, path);
  if (!key.ok() || key->client_email != kDevServiceAccount) return std::nullopt;
  key->token_uri = base_url + "/token";  // where the emulator's key files point
  return std::move(key).value();
}

// Another process (usually `kraken serve`) runs the emulator: use it. Its address
// may not be written yet if it has only just started, so look a few times.
Result<std::unique_ptr<SheetsBackend>> ConnectToRunningEmulator(const std::string& data_dir,
                                                                const SheetsConfig& sheets) {
  const std::string url_file = data_dir + "/" + kUrlFile;
  const std::string key_file = data_dir + "/" + kKeyFile;
  const std::string id_file = data_dir + "/" + kIdFile;
  Error last = MakeError(ErrorCode::kUnavailable, "no address announced yet");
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::string base_url = ReadId(url_file);
    const std::string id = ReadId(id_file);
    if (base_url.empty() || id.empty()) continue;
    std::optional<ServiceAccountKey> key = EarlierKey(key_file, base_url);
    if (!key) continue;
    SheetsClientOptions options = ClientOptionsFromConfig(sheets);
    options.sheets_root = base_url;
    options.drive_root = base_url;
    options.spreadsheet_id = id;
    options.retry.deadline = std::chrono::milliseconds(2000);
    auto client = SheetsClient::Create(*key, options);
    if (!client.ok()) return client.take_error();
    auto info = (*client)->GetSpreadsheet();
    if (!info.ok()) {
      last = info.take_error();
      continue;
    }
    std::string description = fmt::format(
        "the embedded Sheets emulator run by another KRAKEN process (spreadsheet {}, at {})", id,
        base_url);
    return std::unique_ptr<SheetsBackend>(
        new EmbeddedBackend(nullptr, -1, std::move(*client), std::move(description)));
  }
  return MakeError(ErrorCode::kUnavailable,
                   fmt::format("another KRAKEN process holds the embedded Sheets emulator of {} "
                               "but does not answer ({}); stop it, or remove {}/{} if no KRAKEN "
                               "is running",
                               data_dir, last.message, data_dir, kLockFile));
}

}  // namespace

Result<std::unique_ptr<SheetsBackend>> OpenEmbeddedSheets(const std::string& data_dir,
                                                          const SheetsConfig& sheets) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo, fmt::format("cannot create the data directory {}: {}",
                                                 data_dir, ec.message()));
  }
  const std::string state_file = data_dir + "/" + kStateFile;
  const std::string key_file = data_dir + "/" + kKeyFile;
  const std::string id_file = data_dir + "/" + kIdFile;

  const std::string url_file = data_dir + "/" + kUrlFile;
  KRAKEN_ASSIGN_OR_RETURN(int lock_fd, TryLock(data_dir + "/" + kLockFile));
  if (lock_fd < 0) return ConnectToRunningEmulator(data_dir, sheets);
  struct LockGuard {
    int& fd;
    ~LockGuard() {
      if (fd >= 0) ::close(fd);
    }
  } guard{lock_fd};

  EmulatorOptions emulator_options;
  emulator_options.listen = "127.0.0.1:0";
  emulator_options.state_file = state_file;
  // The client's own limiter keeps to sheets.*_per_minute; the emulator need not
  // police a local user.
  emulator_options.reads_per_minute = 0;
  emulator_options.writes_per_minute = 0;
  KRAKEN_ASSIGN_OR_RETURN(std::unique_ptr<SheetsEmulator> emulator,
                          SheetsEmulator::Start(emulator_options));
  const std::string base_url = emulator->base_url();

  auto fresh_key = [&]() -> Result<ServiceAccountKey> {
    KRAKEN_ASSIGN_OR_RETURN(std::string json, emulator->ServiceAccountKey(kDevServiceAccount));
    KRAKEN_RETURN_IF_ERROR(WritePrivateFile(key_file, json));
    return ParseServiceAccountKey(json, key_file);
  };
  std::optional<ServiceAccountKey> earlier = EarlierKey(key_file, base_url);
  ServiceAccountKey key;
  if (earlier) {
    key = *earlier;
  } else {
    KRAKEN_ASSIGN_OR_RETURN(key, fresh_key());
  }

  std::string id = ReadId(id_file);
  if (id.empty()) {
    KRAKEN_ASSIGN_OR_RETURN(id, emulator->CreateSpreadsheet(kTitle, kTabs, kDevServiceAccount));
  }
  SheetsClientOptions options = ClientOptionsFromConfig(sheets);
  options.sheets_root = base_url;
  options.drive_root = base_url;
  std::unique_ptr<SheetsClient> client;
  Result<SpreadsheetInfo> info = MakeError(ErrorCode::kInternal, "not read yet");
  auto connect = [&]() -> Status {
    options.spreadsheet_id = id;
    KRAKEN_ASSIGN_OR_RETURN(client, SheetsClient::Create(key, options));
    info = client->GetSpreadsheet();
    return Ok{};
  };
  KRAKEN_RETURN_IF_ERROR(connect());
  if (!info.ok() && info.error().code == ErrorCode::kPermissionDenied && earlier) {
    // The state file was replaced and no longer knows the earlier key.
    KRAKEN_ASSIGN_OR_RETURN(key, fresh_key());
    earlier.reset();
    KRAKEN_RETURN_IF_ERROR(connect());
  }
  if (!info.ok() && info.error().code == ErrorCode::kNotFound) {
    // The state file was removed or replaced: start a new spreadsheet.
    KRAKEN_ASSIGN_OR_RETURN(id, emulator->CreateSpreadsheet(kTitle, kTabs, kDevServiceAccount));
    KRAKEN_RETURN_IF_ERROR(connect());
  }
  if (!info.ok()) return info.take_error();
  KRAKEN_RETURN_IF_ERROR(EnsureTabs(*client, *info));
  if (id != ReadId(id_file)) KRAKEN_RETURN_IF_ERROR(WritePrivateFile(id_file, id + "\n"));
  KRAKEN_RETURN_IF_ERROR(WritePrivateFile(url_file, base_url + "\n"));

  std::string description =
      fmt::format("the embedded Sheets emulator (spreadsheet {}, state in {})", id, state_file);
  const int held = std::exchange(lock_fd, -1);
  return std::unique_ptr<SheetsBackend>(new EmbeddedBackend(std::move(emulator), held,
                                                            std::move(client),
                                                            std::move(description)));
}

Result<std::unique_ptr<SheetsBackend>> OpenSheetsBackend(const Config& config) {
  if (!config.sheets.spreadsheet_id.empty()) return OpenGoogleSheets(config.sheets);
  return OpenEmbeddedSheets(config.data_dir, config.sheets);
}

}  // namespace kraken::sheets
