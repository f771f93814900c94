#pragma once
// The `kraken serve` HTTP service: Discord's interactions endpoint plus health
// and metrics, over net::HttpServer.
//
//   POST /interactions  Ed25519 over X-Signature-Timestamp + the raw body is
//                       checked before anything is parsed (401 otherwise), then
//                       the interaction runs on a handler thread. Never a 500:
//                       a handler that throws gets a generic ephemeral reply.
//   GET  /healthz       200 {"status":"ok","log_head_seq":N,"projection_seq":M},
//                       503 when the log cannot be read
//   GET  /metrics       Prometheus text (see metrics.h)
//   other paths 404, other methods 405.
//
// Discord drops an answer that takes over 3 s. When the handler has not
// finished after `defer_after`, the request is answered with a deferral
// ({"type":5,"data":{"flags":64}}: "thinking", visible only to the user), and
// the handler's reply, once there, replaces it through the REST client (PATCH
// @original). Autocomplete cannot be deferred and never is.
//
// One log line per interaction (id, command, outcome, latency); tokens, keys
// and signatures are never logged.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "events/result.h"
#include "src/app/roster_service.h"
#include "src/config/config.h"
#include "src/discord/interactions.h"
#include "src/discord/rest_client.h"
#include "src/net/http_server.h"
#include "src/serve/metrics.h"
#include "src/serve/rollback_notifier.h"

namespace kraken::serve {

// Runs one verified interaction: InteractionHandler::Handle in production.
using InteractionFn = std::function<discord::Reply(std::string_view body)>;

struct ServiceOptions {
  net::ServerOptions http;
  std::string public_key;            // the app's Ed25519 public key: 64 hex digits
  int timestamp_window_seconds = 0;  // > 0: reject timestamps further from now (401)
  std::chrono::milliseconds defer_after{2000};
  std::function<std::int64_t()> unix_now;  // seconds; empty: the system clock
  // When set, the token of every verified command is remembered here (in
  // memory), so that a later notice can reach its user (rollback_notifier.h).
  InteractionTokens* tokens = nullptr;
};

// Listen address, TLS files, limits, threads and freshness window from
// `config`. The public key is left for the caller (it may be a development key).
ServiceOptions ServiceOptionsFrom(const Config& config);

class Service {
 public:
  // Starts serving. `roster` answers /healthz and /metrics; `rest` finishes
  // deferred interactions (null: they are logged as undeliverable). Both must
  // outlive the service. A malformed public key or a listen failure is an error
  // saying so.
  static Result<std::unique_ptr<Service>> Start(ServiceOptions options, InteractionFn handler,
                                                RosterService& roster, discord::RestClient* rest);
  ~Service();  // Stop()s
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  std::uint16_t port() const;
  std::string address() const;  // "127.0.0.1:8080"
  bool tls() const;

  // Graceful: stops accepting, lets requests in flight finish and their replies
  // (and deferred follow-ups) go out. Idempotent.
  void Stop();

  const Metrics& metrics() const;

 private:
  struct Impl;
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken::serve
