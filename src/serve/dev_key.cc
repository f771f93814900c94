#include "src/serve/dev_key.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "src/crypto/ed25519.h"
#include "src/crypto/encoding.h"

namespace kraken::serve {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Writes `text` to a new file `path` with mode 0600; kAlreadyExists if another
// process got there first (O_EXCL), so only one key ever wins.
Status WriteNewPrivateFile(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) return MakeError(ErrorCode::kAlreadyExists, path);
    return MakeError(ErrorCode::kIo, fmt::format("cannot create the development key {}: {}", path,
                                                 std::strerror(err)));
  }
  const ssize_t written = ::write(fd, text.data(), text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size()) || !synced) {
    ::unlink(path.c_str());
    return MakeError(ErrorCode::kIo, fmt::format("cannot write the development key {}", path));
  }
  return Ok{};
}

}  // namespace

std::string DevKeyPath(std::string_view data_dir) {
  return (std::filesystem::path(data_dir) / kDevKeyFileName).string();
}

Result<DevKey> DevKeyFromHex(std::string_view hex, std::string origin) {
  std::optional<std::string> seed = crypto::HexDecode(Trim(hex));
  if (!seed || seed->size() != 32) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("{} does not hold an Ed25519 seed (64 hex digits)", origin));
  }
  KRAKEN_ASSIGN_OR_RETURN(std::string public_key, crypto::Ed25519PublicKey(*seed));
  return DevKey{std::move(*seed), std::move(public_key), std::move(origin), false};
}

Result<DevKey> ReadDevKey(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("no development key at {}; start `kraken serve` once with no "
                                 "DISCORD_PUBLIC_KEY to create it, or pass --key-file or "
                                 "KRAKEN_DISCORD_SIGNING_SEED",
                                 path));
  }
  std::stringstream text;
  text << in.rdbuf();
  return DevKeyFromHex(text.str(), path);
}

Result<DevKey> LoadOrCreateDevKey(std::string_view data_dir) {
  const std::string path = DevKeyPath(data_dir);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return ReadDevKey(path);
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo,
                     fmt::format("cannot create {}: {}", std::string(data_dir), ec.message()));
  }
  KRAKEN_ASSIGN_OR_RETURN(crypto::Ed25519KeyPair pair, crypto::GenerateEd25519KeyPair());
  Status written = WriteNewPrivateFile(path, crypto::HexEncode(pair.seed) + "\n");
  if (!written.ok()) {
    if (written.error().code == ErrorCode::kAlreadyExists) return ReadDevKey(path);
    return written.take_error();
  }
  return DevKey{std::move(pair.seed), std::move(pair.public_key), path, true};
}

}  // namespace kraken::serve
