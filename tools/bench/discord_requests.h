#pragma once
// The requests discord_loadgen sends: complete HTTP/1.1 POST /interactions
// messages, signed the way Discord signs them (Ed25519 over the timestamp
// header followed by the raw body), built and signed before the timed phase so
// that signing is not measured. Every request carries a fresh interaction id,
// so a server that deduplicates by interaction id appends each one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace kraken::bench {

// What the requests ask for.
//   kRegister: /pilot register of a new pilot per request, by a new Discord user
//              per request: a durable append per request on kraken serve.
//   kShow:     /pilot show of an existing pilot: read-only.
//   kPing:     a PING (interaction type 1), answered without a command.
enum class Mix { kRegister, kShow, kPing };
std::optional<Mix> ParseMix(std::string_view name);
std::string_view MixName(Mix mix);

struct RequestOptions {
  Mix mix = Mix::kRegister;
  std::string seed;                     // 32 raw bytes: the Ed25519 private key the server trusts
  std::string host_header;              // "127.0.0.1:8080"
  std::string corp = "KRKN";            // the corp new pilots join
  std::vector<std::string> show_names;  // pilots kShow asks for, in turn
};

// Milliseconds since Discord's epoch (2015-01-01) now: a run id that makes the
// interaction ids, user ids and pilot names of one run differ from every other
// run's (ids are snowflakes: run id << 22 | request index).
std::uint64_t RunIdFromClock();
inline constexpr std::size_t kMaxRequestsPerRun = std::size_t{1} << 22;

// `count` (at most kMaxRequestsPerRun) complete requests (request line,
// headers and body), request i being the i-th interaction of run `run_id`.
// kInvalidArgument on a bad seed or count.
Result<std::vector<std::string>> BuildSignedRequests(const RequestOptions& options,
                                                     std::uint64_t run_id, std::size_t count);

// The interaction JSON of request `index` alone (for tests and --print-request).
std::string InteractionBody(const RequestOptions& options, std::uint64_t run_id, std::size_t index);

}  // namespace kraken::bench
