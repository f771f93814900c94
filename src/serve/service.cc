#include "src/serve/service.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <mutex>

#include "events/json_text.h"
#include "src/crypto/ed25519.h"
#include "src/serve/timer_queue.h"

namespace kraken::serve {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kDeferredBody = R"({"type":5,"data":{"flags":64}})";

// The few top-level fields the transport needs before (or without) the handler:
// whether it may defer (not a PING, not autocomplete), and where to send a
// deferred answer. Read only after the signature has been verified.
struct Envelope {
  std::int64_t type = -1;
  std::string id;
  std::string token;
  std::string application_id;
};

Envelope PeekEnvelope(std::string_view body) {
  Envelope out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) return out;
  std::int64_t type = 0;
  if (doc["type"].get(type) == simdjson::SUCCESS) out.type = type;
  std::string_view text;
  if (doc["id"].get(text) == simdjson::SUCCESS) out.id = text;
  if (doc["token"].get(text) == simdjson::SUCCESS) out.token = text;
  if (doc["application_id"].get(text) == simdjson::SUCCESS) out.application_id = text;
  return out;
}

net::ServerResponse Json(int status, std::string body) {
  net::ServerResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

net::ServerResponse ErrorJson(int status, std::string_view message) {
  return Json(status, fmt::format("{{\"error\":{}}}", JsonString(message)));
}

// What a user sees when the handler failed in a way it did not report itself.
discord::Reply InternalErrorReply(const Envelope& envelope) {
  discord::Reply reply;
  reply.type = 4;
  reply.command = "unknown";
  reply.outcome = "error";
  reply.interaction_id = envelope.id;
  reply.token = envelope.token;
  reply.application_id = envelope.application_id;
  reply.data =
      JsonWriter()
          .BeginObject()
          .Key("flags")
          .Int(64)
          .Key("content")
          .String(fmt::format("KRAKEN hit an internal error handling this command (logged as "
                              "interaction {}). It may or may not have been recorded: check before "
                              "trying again, and tell an admin if this keeps happening.",
                              envelope.id.empty() ? "?" : envelope.id))
          .EndObject()
          .Take();
  return reply;
}

// The message that replaces a deferral: the reply's data, or, if the handler
// answered something that is not a message, a short explanation.
std::string FollowupMessage(const discord::Reply& reply) {
  if (reply.http_status == 200 && reply.type == 4 && !reply.data.empty()) return reply.data;
  return R"({"content":"KRAKEN could not understand this interaction."})";
}

std::int64_t SystemUnixNow() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

ServiceOptions ServiceOptionsFrom(const Config& config) {
  ServiceOptions options;
  options.http.listen = config.server.listen;
  options.http.tls_cert_file = config.server.tls_cert;
  options.http.tls_key_file = config.server.tls_key;
  options.http.handler_threads = std::max(1, config.server.handler_threads);
  options.http.body_limit = config.server.body_limit;
  options.http.max_connections = config.server.max_connections;
  options.timestamp_window_seconds = config.discord.timestamp_window_seconds;
  return options;
}

struct Service::Impl {
  Impl(ServiceOptions o, crypto::Ed25519Verifier v, InteractionFn h, RosterService& r,
       discord::RestClient* c)
      : options(std::move(o)), verifier(std::move(v)), handler(std::move(h)), roster(r), rest(c) {}

  void Serve(net::ServerRequest&& request, net::Responder respond);
  void Interaction(net::ServerRequest&& request, net::Responder respond);
  net::ServerResponse Health();
  net::ServerResponse MetricsPage();
  void Finish(const Envelope& envelope, const discord::Reply& reply, bool deferred, double seconds,
              bool appended);
  std::optional<std::string> Unauthorized(const net::ServerRequest& request) const;

  ServiceOptions options;
  crypto::Ed25519Verifier verifier;
  InteractionFn handler;
  RosterService& roster;
  discord::RestClient* rest;
  Metrics metrics;
  TimerQueue timers;

  std::mutex mu;
  std::condition_variable idle;
  int in_flight = 0;  // interactions whose handler (or follow-up) has not finished
  bool stopped = false;
  // Last: destroyed first, so no request can arrive at a half-destroyed Impl.
  std::unique_ptr<net::HttpServer> http;
};

void Service::Impl::Serve(net::ServerRequest&& request, net::Responder respond) {
  net::Responder counted = [this, respond = std::move(respond)](net::ServerResponse r) {
    metrics.RecordHttpResponse(r.status);
    respond(std::move(r));
  };
  const std::string_view path = request.Path();
  auto only = [&](std::string_view method) {
    if (request.method == method || (method == "GET" && request.method == "HEAD")) return true;
    net::ServerResponse r = ErrorJson(405, fmt::format("{} takes {} only", path, method));
    r.headers.emplace_back("Allow", std::string(method));
    counted(std::move(r));
    return false;
  };
  if (path == "/interactions") {
    if (only("POST")) Interaction(std::move(request), std::move(counted));
  } else if (path == "/healthz") {
    if (only("GET")) counted(Health());
  } else if (path == "/metrics") {
    if (only("GET")) counted(MetricsPage());
  } else {
    counted(ErrorJson(404,
                      "not found; the endpoints are POST /interactions, GET /healthz and "
                      "GET /metrics"));
  }
}

std::optional<std::string> Service::Impl::Unauthorized(const net::ServerRequest& request) const {
  const std::string_view signature = request.Header("X-Signature-Ed25519");
  const std::string_view timestamp = request.Header("X-Signature-Timestamp");
  if (signature.empty() || timestamp.empty()) {
    return "missing X-Signature-Ed25519 or X-Signature-Timestamp";
  }
  if (!verifier.VerifyDiscord(signature, timestamp, request.body)) {
    return "invalid request signature";
  }
  if (options.timestamp_window_seconds > 0) {
    std::int64_t sent = 0;
    const auto [end, ec] =
        std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), sent);
    const std::int64_t now = options.unix_now ? options.unix_now() : SystemUnixNow();
    if (ec != std::errc() || end != timestamp.data() + timestamp.size() ||
        std::llabs(now - sent) > options.timestamp_window_seconds) {
      return "request timestamp outside the accepted window";
    }
  }
  return std::nullopt;
}

void Service::Impl::Interaction(net::ServerRequest&& request, net::Responder respond) {
  if (auto why = Unauthorized(request)) {
    spdlog::info("rejected POST /interactions from {}: {}", request.remote, *why);
    respond(ErrorJson(401, *why));
    return;
  }
  const Clock::time_point start = Clock::now();
  const Envelope envelope = PeekEnvelope(request.body);
  if (options.tokens != nullptr && envelope.type != 1 && envelope.type != 4) {
    options.tokens->Remember(envelope.id, envelope.application_id, envelope.token);
  }
  {
    std::lock_guard lock(mu);
    ++in_flight;
  }
  // Stop() waits for this, whichever way the function is left.
  struct Done {
    Impl* impl;
    ~Done() {
      std::lock_guard lock(impl->mu);
      if (--impl->in_flight == 0) impl->idle.notify_all();
    }
  } done{this};

  // Whoever answers first (the handler, or the deferral timer) owns `respond`.
  struct Pending {
    std::mutex mu;
    net::Responder respond;
  };
  auto pending = std::make_shared<Pending>();
  pending->respond = std::move(respond);
  std::optional<std::uint64_t> timer;
  // PING and autocomplete are quick and cannot be deferred.
  if (envelope.type != 1 && envelope.type != 4 && !envelope.token.empty()) {
    timer = timers.Schedule(start + options.defer_after, [this, pending, id = envelope.id] {
      net::Responder deferral;
      {
        std::lock_guard lock(pending->mu);
        deferral = std::move(pending->respond);
        pending->respond = nullptr;
      }
      if (!deferral) return;  // the handler answered first
      metrics.RecordDeferred();
      spdlog::info("interaction {} still running after {} ms: deferred", id,
                   options.defer_after.count());
      deferral(Json(200, std::string(kDeferredBody)));
    });
  }

  const auto head_before = roster.log().Head();
  discord::Reply reply;
  try {
    reply = handler(request.body);
  } catch (const std::exception& e) {
    spdlog::error("interaction {}: the handler threw: {}", envelope.id, e.what());
    reply = InternalErrorReply(envelope);
  } catch (...) {
    spdlog::error("interaction {}: the handler threw a non-standard exception", envelope.id);
    reply = InternalErrorReply(envelope);
  }
  if (timer) timers.Cancel(*timer);
  const auto head_after = roster.log().Head();
  const bool appended =
      head_before.ok() && head_after.ok() && *head_after > *head_before && reply.outcome == "ok";

  net::Responder inline_respond;
  {
    std::lock_guard lock(pending->mu);
    inline_respond = std::move(pending->respond);
    pending->respond = nullptr;
  }
  const bool deferred = !inline_respond;
  // Counted before the answer leaves, so that a client that reads /metrics
  // next finds its request there.
  Finish(envelope, reply, deferred, std::chrono::duration<double>(Clock::now() - start).count(),
         appended);
  if (!deferred) inline_respond(Json(reply.http_status, reply.Body()));
}

void Service::Impl::Finish(const Envelope& envelope, const discord::Reply& reply, bool deferred,
                           double seconds, bool appended) {
  if (deferred) {
    // The token in the reply is the handler's reading of the body; the envelope's
    // is the same unless the handler could not read it.
    const std::string& app =
        reply.application_id.empty() ? envelope.application_id : reply.application_id;
    const std::string& token = reply.token.empty() ? envelope.token : reply.token;
    Status sent = rest ? rest->EditOriginal(app, token, FollowupMessage(reply))
                       : Status(MakeError(ErrorCode::kUnavailable, "no Discord REST client"));
    if (!sent.ok()) {
      metrics.RecordFollowupFailure();
      spdlog::error("interaction {}: could not deliver the deferred reply: {}", envelope.id,
                    sent.error().message);
    }
  }
  const std::string& command = reply.command.empty() ? std::string("unknown") : reply.command;
  metrics.RecordInteraction(command, reply.outcome, seconds);
  if (appended) metrics.RecordAppend(seconds);
  spdlog::info("interaction {} {} -> {} ({}) in {:.1f} ms{}",
               reply.interaction_id.empty() ? envelope.id : reply.interaction_id, command,
               reply.outcome, reply.http_status, seconds * 1000, deferred ? ", deferred" : "");
}

net::ServerResponse Service::Impl::Health() {
  const auto head = roster.log().Head();
  if (!head.ok()) {
    spdlog::error("healthz: cannot read the log: {}", head.error().message);
    return Json(503, fmt::format("{{\"status\":\"unavailable\",\"error\":{}}}",
                                 JsonString(head.error().message)));
  }
  const std::uint64_t projection = roster.Read([](const AllianceState& s) { return s.seq(); });
  return Json(200, fmt::format(R"({{"status":"ok","log_head_seq":{},"projection_seq":{}}})", *head,
                               projection));
}

net::ServerResponse Service::Impl::MetricsPage() {
  std::optional<Metrics::LogPosition> position;
  // The projection first: Read catches up, so a head read after it shows what
  // other processes appended since, which is the lag.
  const std::uint64_t projection = roster.Read([](const AllianceState& s) { return s.seq(); });
  if (const auto head = roster.log().Head(); head.ok()) {
    position = Metrics::LogPosition{*head, projection};
  }
  net::ServerResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics.Render(position);
  return r;
}

Result<std::unique_ptr<Service>> Service::Start(ServiceOptions options, InteractionFn handler,
                                                RosterService& roster, discord::RestClient* rest) {
  auto verifier = crypto::Ed25519Verifier::FromHex(options.public_key);
  if (!verifier.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DISCORD_PUBLIC_KEY: " + verifier.error().message +
                         " (copy the Public Key from the Developer Portal, General Information)");
  }
  if (options.http.handler_threads < 1) options.http.handler_threads = 1;  // handlers block
  net::ServerOptions http_options = options.http;
  auto impl = std::make_unique<Impl>(std::move(options), std::move(*verifier), std::move(handler),
                                     roster, rest);
  Impl* raw = impl.get();
  KRAKEN_ASSIGN_OR_RETURN(
      raw->http, net::HttpServer::Start(std::move(http_options), [raw](net::ServerRequest&& request,
                                                                       net::Responder respond) {
        raw->Serve(std::move(request), std::move(respond));
      }));
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Service::~Service() { Stop(); }

std::uint16_t Service::port() const { return impl_->http->port(); }
std::string Service::address() const { return impl_->http->address(); }
bool Service::tls() const {
  return !impl_->options.http.tls_cert_file.empty() && !impl_->options.http.tls_key_file.empty();
}
const Metrics& Service::metrics() const { return impl_->metrics; }

void Service::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  impl_->http->Stop();
  // A deferred interaction has been answered as far as the server knows, but
  // its handler and follow-up may still be running.
  std::unique_lock lock(impl_->mu);
  impl_->idle.wait(lock, [this] { return impl_->in_flight == 0; });
  lock.unlock();
  impl_->timers.Stop();
}

}  // namespace kraken::serve
