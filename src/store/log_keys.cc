#include "src/store/log_keys.h"

#include <fmt/format.h>

namespace kraken {
namespace {

// The first bytes of a long name, enough to recognise it in a message.
std::string_view Opening(std::string_view name) { return name.substr(0, 40); }

}  // namespace

void AppendBigEndian64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::uint64_t ReadBigEndian64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = value << 8 | static_cast<std::uint8_t>(bytes[i]);
  return value;
}

std::string EventKey(std::uint64_t seq) {
  std::string key;
  AppendBigEndian64(key, seq);
  return key;
}

std::uint64_t SeqOfEventKey(std::string_view key) {
  return key.size() == 8 ? ReadBigEndian64(key) : 0;
}

std::string StreamIndexKey(std::string_view stream, std::uint64_t version) {
  std::string key = StreamIndexPrefix(stream);
  AppendBigEndian64(key, version);
  return key;
}

std::string StreamIndexPrefix(std::string_view stream) {
  std::string prefix;
  prefix.reserve(stream.size() + kStreamIndexSuffixBytes);
  prefix.append(stream);
  prefix.push_back('\0');
  return prefix;
}

std::string StreamIndexEnd(std::string_view stream) {
  std::string end(stream);
  end.push_back('\x01');
  return end;
}

bool ParseStreamIndexKey(std::string_view key, std::string_view& stream, std::uint64_t& version) {
  if (key.size() < kStreamIndexSuffixBytes + 1) return false;
  const std::size_t split = key.size() - kStreamIndexSuffixBytes;
  if (key[split] != '\0') return false;
  stream = key.substr(0, split);
  version = ReadBigEndian64(key.substr(split + 1));
  return true;
}

std::string IdempotencyValue(std::uint64_t first_seq, std::uint64_t last_seq) {
  std::string value;
  value.reserve(16);
  AppendBigEndian64(value, first_seq);
  AppendBigEndian64(value, last_seq);
  return value;
}

Status CheckStreamName(std::string_view stream) {
  if (stream.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an event needs a stream, e.g. \"pilot/<name>\"");
  }
  if (stream.find('\0') != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("stream \"{}\" contains a NUL byte, which stream names may not",
                                 Opening(stream)));
  }
  constexpr std::size_t kMax = kMaxKeyBytes - kStreamIndexSuffixBytes;
  if (stream.size() > kMax) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("stream \"{}…\" is {} bytes long; stream names may be at most {} "
                                 "bytes (LMDB's key limit)",
                                 Opening(stream), stream.size(), kMax));
  }
  return Ok{};
}

Status CheckIdempotencyKey(std::string_view key) {
  if (key.size() > kMaxIdempotencyKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("idempotency key \"{}…\" is {} bytes long; keys may be at most {} "
                                 "bytes",
                                 Opening(key), key.size(), kMaxIdempotencyKeyBytes));
  }
  return Ok{};
}

Status CheckSnapshotName(std::string_view name) {
  if (name.empty() || name.size() > kMaxKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("snapshot name \"{}\" must be 1 to {} bytes long (it is {})",
                                 Opening(name), kMaxKeyBytes, name.size()));
  }
  return Ok{};
}

}  // namespace kraken
