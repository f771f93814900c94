// discord_loadgen: loads a Discord interactions endpoint (kraken serve, or the
// Node peer in discord_peer/) on loopback with signed POST /interactions
// requests over keep-alive connections, and prints throughput and latency.
//
//   closed loop (--requests N): every connection sends its next request as soon
//     as the previous reply is in; the throughput is the most the server gives.
//   open loop (--rate R --duration S): requests are sent on a fixed timetable
//     whatever the replies do, and latency is measured from each request's
//     scheduled time, so a stall is charged to every request it delayed
//     (no coordinated omission).
//
// Requests are built and signed before the timed phase (discord_requests.h).
// discord_bench.sh runs it against both servers and prints the comparison.
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "src/crypto/ed25519.h"
#include "src/crypto/encoding.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/discord_requests.h"

namespace kraken::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr char kUsage[] =
    "usage: discord_loadgen --port=P [--host=127.0.0.1] [--mix=register|show|ping]\n"
    "                       [--connections=64] [--threads=1] --seed=HEX\n"
    "                       (--requests=N | --rate=R --duration=S) [--warmup=200]\n"
    "                       [--show-name=NAME[,NAME...]] [--corp=KRKN] [--expect=TEXT]\n"
    "                       [--allow-non-200] [--label=NAME] [--timeout=S]\n"
    "       discord_loadgen --keygen      prints a new seed and its public key, in hex\n"
    "  --seed         the Ed25519 seed (64 hex digits) whose public key the server trusts\n"
    "  --requests     closed loop: N requests, each connection sending as soon as it can\n"
    "  --rate         open loop: R requests per second on a fixed timetable, for S seconds\n"
    "  --warmup       requests sent (closed loop) before measuring, not counted\n"
    "  --expect       a 200 reply whose body lacks TEXT counts as a failure\n"
    "  --allow-non-200  report other statuses instead of failing on them\n"
    "  --timeout      give up (and fail) if the run takes longer than S seconds (default 120)\n"
    "Loopback only. Exits 1 if any reply is not 200 (unless allowed), lacks --expect's\n"
    "text, or a connection fails.\n";

constexpr std::size_t kMaxConnections = 1024;
constexpr std::size_t kMaxSampleBody = 400;

struct Outcome {
  std::vector<double> latency_ms;
  std::map<unsigned, std::size_t> statuses;
  std::map<unsigned, std::string> sample_bodies;  // the first body per status
  std::size_t unexpected_bodies = 0;
  std::size_t late_sends = 0;  // open loop: sent > 1 ms after the scheduled time
  std::int64_t first_send_ns = 0;
  std::int64_t last_reply_ns = 0;
  std::string error;
};

// One thread's share of the load: its connections and an io_context.
class Worker {
 public:
  Worker(const std::vector<std::string>& requests, const std::string& expect)
      : requests_(requests), expect_(expect), timer_(io_), deadline_(io_) {}

  void Connect(const tcp::resolver::results_type& endpoints, std::size_t connections) {
    for (std::size_t i = 0; i < connections; ++i) {
      auto conn = std::make_unique<Connection>(io_);
      asio::connect(conn->socket, endpoints);
      conn->socket.set_option(tcp::no_delay(true));
      connections_.push_back(std::move(conn));
    }
  }

  // Sends requests[indices[k]] for every k. Closed loop if `period_ns` is 0;
  // otherwise request k is due at start_ns + k * period_ns + offset_ns.
  Outcome Run(std::vector<std::size_t> indices, std::int64_t start_ns, double period_ns,
              double offset_ns, std::int64_t timeout_ns) {
    indices_ = std::move(indices);
    start_ns_ = start_ns;
    period_ns_ = period_ns;
    offset_ns_ = offset_ns;
    next_ = 0;
    answered_ = 0;
    outcome_ = Outcome{};
    outcome_.latency_ms.reserve(indices_.size());
    pending_.clear();
    idle_.clear();
    for (auto& conn : connections_) idle_.push_back(conn.get());
    io_.restart();
    if (!indices_.empty()) {
      deadline_.expires_after(std::chrono::nanoseconds(timeout_ns));
      deadline_.async_wait([this](beast::error_code ec) {
        if (ec) return;
        Fail(fmt::format("timed out: {} of {} requests answered", answered_, indices_.size()));
      });
      if (period_ns_ == 0) {
        while (next_ < indices_.size() && !idle_.empty()) {
          Connection* conn = idle_.front();
          idle_.pop_front();
          Send(*conn, next_++, NowNs());
        }
      } else {
        Tick();
      }
      io_.run();
    }
    return std::move(outcome_);
  }

 private:
  struct Connection {
    explicit Connection(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    beast::flat_buffer buffer;
    std::optional<http::response_parser<http::string_body>> parser;
  };

  std::int64_t DueNs(std::size_t k) const {
    return start_ns_ + static_cast<std::int64_t>(static_cast<double>(k) * period_ns_ + offset_ns_);
  }

  // Open loop: queue every request now due, send what idle connections can
  // take, and wake up when the next one is due.
  void Tick() {
    const std::int64_t now = NowNs();
    while (next_ < indices_.size() && DueNs(next_) <= now) pending_.push_back(next_++);
    while (!pending_.empty() && !idle_.empty()) {
      // Round robin, so no connection idles long enough for a server's
      // keep-alive timeout (Node's is 5 s) to close it.
      Connection* conn = idle_.front();
      idle_.pop_front();
      const std::size_t k = pending_.front();
      pending_.pop_front();
      if (now - DueNs(k) > 1'000'000) ++outcome_.late_sends;
      Send(*conn, k, DueNs(k));
    }
    if (next_ < indices_.size()) {
      timer_.expires_at(asio::steady_timer::time_point(std::chrono::nanoseconds(DueNs(next_))));
      timer_.async_wait([this](beast::error_code ec) {
        if (!ec) Tick();
      });
    }
  }

  // Sends request k on `conn`; its latency counts from `since_ns`.
  void Send(Connection& conn, std::size_t k, std::int64_t since_ns) {
    if (outcome_.first_send_ns == 0) outcome_.first_send_ns = NowNs();
    const std::string& request = requests_[indices_[k]];
    asio::async_write(conn.socket, asio::buffer(request),
                      [this, &conn, since_ns](beast::error_code ec, std::size_t) {
                        if (ec) return Fail(fmt::format("sending a request: {}", ec.message()));
                        conn.parser.emplace();
                        http::async_read(
                            conn.socket, conn.buffer, *conn.parser,
                            [this, &conn, since_ns](beast::error_code read_ec, std::size_t) {
                              OnReply(conn, since_ns, read_ec);
                            });
                      });
  }

  void OnReply(Connection& conn, std::int64_t since_ns, beast::error_code ec) {
    if (ec) {
      return Fail(
          fmt::format("reading a reply: {} (did the server close the connection?)", ec.message()));
    }
    const std::int64_t now = NowNs();
    outcome_.last_reply_ns = now;
    outcome_.latency_ms.push_back(Ms(now - since_ns));
    const auto& reply = conn.parser->get();
    const unsigned status = reply.result_int();
    ++outcome_.statuses[status];
    if (!outcome_.sample_bodies.contains(status)) {
      outcome_.sample_bodies[status] = reply.body().substr(0, kMaxSampleBody);
    }
    if (status == 200 && !expect_.empty() && reply.body().find(expect_) == std::string::npos) {
      if (outcome_.unexpected_bodies++ == 0) outcome_.sample_bodies[0] = reply.body();
    }
    if (!reply.keep_alive()) return Fail("the server closed a keep-alive connection");
    if (++answered_ == indices_.size()) {
      timer_.cancel();
      deadline_.cancel();
      return;
    }
    if (period_ns_ == 0) {
      if (next_ < indices_.size()) Send(conn, next_++, NowNs());
    } else {
      idle_.push_back(&conn);
      if (!pending_.empty()) Tick();
    }
  }

  void Fail(std::string error) {
    if (outcome_.error.empty()) outcome_.error = std::move(error);
    io_.stop();
  }

  const std::vector<std::string>& requests_;
  const std::string& expect_;
  asio::io_context io_;
  asio::steady_timer timer_;
  asio::steady_timer deadline_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::deque<Connection*> idle_;
  std::deque<std::size_t> pending_;  // open loop: due, waiting for an idle connection
  std::vector<std::size_t> indices_;
  std::size_t next_ = 0;
  std::size_t answered_ = 0;
  std::int64_t start_ns_ = 0;
  double period_ns_ = 0;
  double offset_ns_ = 0;
  Outcome outcome_;
};

// Runs requests [first, first + count) across the workers, request j going to
// worker j % workers, and merges what they saw. Open loop if rate > 0.
Outcome RunPhase(std::vector<std::unique_ptr<Worker>>& workers, std::size_t first,
                 std::size_t count, double rate, std::int64_t timeout_ns) {
  const std::size_t n = workers.size();
  const double period_ns = rate > 0 ? 1e9 / rate * static_cast<double>(n) : 0;
  const std::int64_t start_ns = NowNs() + 2'000'000;  // every thread is running by then
  std::vector<Outcome> outcomes(n);
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < n; ++w) {
    std::vector<std::size_t> indices;
    for (std::size_t j = first + w; j < first + count; j += n) indices.push_back(j);
    const double offset_ns = rate > 0 ? 1e9 / rate * static_cast<double>(w) : 0;
    auto run = [&, w, offset_ns, indices = std::move(indices)]() mutable {
      outcomes[w] = workers[w]->Run(std::move(indices), start_ns, period_ns, offset_ns, timeout_ns);
    };
    if (w + 1 == n) {
      run();
    } else {
      threads.emplace_back(std::move(run));
    }
  }
  for (auto& t : threads) t.join();
  Outcome merged = std::move(outcomes[0]);
  for (std::size_t w = 1; w < n; ++w) {
    Outcome& o = outcomes[w];
    merged.latency_ms.insert(merged.latency_ms.end(), o.latency_ms.begin(), o.latency_ms.end());
    for (const auto& [status, k] : o.statuses) merged.statuses[status] += k;
    for (auto& [status, body] : o.sample_bodies) merged.sample_bodies.try_emplace(status, body);
    merged.unexpected_bodies += o.unexpected_bodies;
    merged.late_sends += o.late_sends;
    if (o.first_send_ns != 0) {
      merged.first_send_ns = merged.first_send_ns == 0
                                 ? o.first_send_ns
                                 : std::min(merged.first_send_ns, o.first_send_ns);
    }
    merged.last_reply_ns = std::max(merged.last_reply_ns, o.last_reply_ns);
    if (merged.error.empty()) merged.error = std::move(o.error);
  }
  return merged;
}

tcp::resolver::results_type ResolveLoopback(const std::string& host, const std::string& port) {
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(host, port, ec);
  if (ec) Die(fmt::format("resolving {}:{}", host, port), ec.message());
  for (const auto& entry : endpoints) {
    if (!entry.endpoint().address().is_loopback()) {
      Die("--host",
          fmt::format("{} resolves to {}, not a loopback address; discord_loadgen only loads "
                      "servers on this machine (use 127.0.0.1)",
                      host, entry.endpoint().address().to_string()));
    }
  }
  return endpoints;
}

std::vector<std::string> SplitNames(const std::string& list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) names.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return names;
}

// "10", "10s": whole seconds.
std::uint64_t Seconds(const std::string& text, const char* flag) {
  std::string digits = text;
  if (!digits.empty() && digits.back() == 's') digits.pop_back();
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    Die(flag, fmt::format("needs whole seconds, like 10 or 10s, not '{}'", text));
  }
  return std::stoull(digits);
}

int Report(const Outcome& o, const std::string& label, Mix mix, bool open_loop, bool allow_non_200,
           std::size_t sent) {
  const double elapsed_s = static_cast<double>(o.last_reply_ns - o.first_send_ns) / 1e9;
  const double rps = elapsed_s > 0 ? static_cast<double>(o.latency_ms.size()) / elapsed_s : 0;
  std::string statuses;
  std::size_t non_200 = 0;
  for (const auto& [status, k] : o.statuses) {
    statuses += fmt::format("{}{} x {}", statuses.empty() ? "" : ", ", status, k);
    if (status != 200) non_200 += k;
  }
  fmt::print("  throughput  {:.0f} requests/s ({} answered in {:.2f} s)\n", rps,
             o.latency_ms.size(), elapsed_s);
  fmt::print("  latency     median {}  p90 {}  p99 {}  max {}{}\n", FormatMs(Median(o.latency_ms)),
             FormatMs(Percentile(o.latency_ms, 90)), FormatMs(Percentile(o.latency_ms, 99)),
             FormatMs(Percentile(o.latency_ms, 100)),
             open_loop ? " (from each request's scheduled time)" : "");
  if (open_loop) {
    fmt::print(
        "  timetable   {} of {} sends left more than 1 ms late (no idle connection, or "
        "the load generator's thread was late)\n",
        o.late_sends, sent);
  }
  fmt::print("  statuses    {}\n", statuses.empty() ? "none" : statuses);
  for (const auto& [status, body] : o.sample_bodies) {
    fmt::print("  {}  {}\n",
               status == 0 ? "unexpected 200 body" : fmt::format("first {} body", status), body);
  }
  if (o.unexpected_bodies > 0) {
    fmt::print("  {} replies were 200 but not the expected answer\n", o.unexpected_bodies);
  }
  // One line for discord_bench.sh to read.
  fmt::print(
      "RESULT label={} mix={} mode={} answered={} rps={:.1f} p50_ms={:.3f} p90_ms={:.3f} "
      "p99_ms={:.3f} max_ms={:.3f} non200={} unexpected={} late={}\n",
      label, MixName(mix), open_loop ? "open" : "closed", o.latency_ms.size(), rps,
      Median(o.latency_ms), Percentile(o.latency_ms, 90), Percentile(o.latency_ms, 99),
      Percentile(o.latency_ms, 100), non_200, o.unexpected_bodies, o.late_sends);
  if (!o.error.empty()) {
    fmt::print(stderr, "error: {}: {}\n", label, o.error);
    return 1;
  }
  if (o.latency_ms.size() != sent) {
    fmt::print(stderr, "error: {}: {} of {} requests answered\n", label, o.latency_ms.size(), sent);
    return 1;
  }
  if (non_200 > 0 && !allow_non_200) {
    fmt::print(stderr, "error: {}: {} replies were not 200 (statuses: {})\n", label, non_200,
               statuses);
    return 1;
  }
  if (o.unexpected_bodies > 0) {
    fmt::print(stderr, "error: {}: {} replies lacked the expected text\n", label,
               o.unexpected_bodies);
    return 1;
  }
  return 0;
}

int Run(int argc, char** argv) {
  Flags flags(argc, argv, kUsage);
  if (flags.Has("keygen")) {
    flags.RejectUnknown();
    auto pair = OrDie(crypto::GenerateEd25519KeyPair(), "generating a key pair");
    fmt::print("{} {}\n", crypto::HexEncode(pair.seed), crypto::HexEncode(pair.public_key));
    return 0;
  }
  const std::string host = flags.Text("host", "127.0.0.1");
  const std::string port = flags.Text("port", "");
  const std::string mix_name = flags.Text("mix", "register");
  const std::size_t connections = flags.Int("connections", 64);
  const std::size_t threads = flags.Int("threads", 1);
  const std::string seed_hex = flags.Text("seed", "");
  const std::size_t requests = flags.Int("requests", 0);
  const std::size_t rate = flags.Int("rate", 0);
  const std::uint64_t duration_s = Seconds(flags.Text("duration", "10"), "--duration");
  const std::size_t warmup = flags.Int("warmup", 200);
  const std::string show_names = flags.Text("show-name", "Kaelen Voss,Ryn Calder,Sera Valkan");
  const std::string corp = flags.Text("corp", "KRKN");
  const std::string expect = flags.Text("expect", "");
  const bool allow_non_200 = flags.Has("allow-non-200");
  const std::string label = flags.Text("label", fmt::format("{}:{}", host, port));
  const std::uint64_t timeout_s = Seconds(flags.Text("timeout", "120"), "--timeout");
  flags.RejectUnknown();

  const std::optional<Mix> mix = ParseMix(mix_name);
  if (!mix) Die("--mix", fmt::format("'{}' is not a mix; use register, show or ping", mix_name));
  if (port.empty()) Die("--port", "the server's port is required");
  if (connections == 0 || connections > kMaxConnections) {
    Die("--connections", fmt::format("use 1 to {}", kMaxConnections));
  }
  if (threads == 0 || threads > 2 || threads > connections) {
    Die("--threads", "use 1 or 2 (and no more than --connections)");
  }
  if ((requests > 0) == (rate > 0))
    Die("mode", "give either --requests or --rate (with --duration)");
  if (duration_s == 0 || duration_s > 600) Die("--duration", "use 1 to 600 seconds");
  const bool open_loop = rate > 0;
  const std::size_t timed = open_loop ? rate * duration_s : requests;
  const std::optional<std::string> seed = crypto::HexDecode(seed_hex);
  if (!seed || seed->size() != 32) {
    Die("--seed", "needs the 64 hex digits of an Ed25519 seed; make one with --keygen");
  }

  const auto endpoints = ResolveLoopback(host, port);
  RequestOptions options;
  options.mix = *mix;
  options.seed = *seed;
  options.host_header = fmt::format("{}:{}", host, port);
  options.corp = corp;
  options.show_names = SplitNames(show_names);
  const std::int64_t build_start = NowNs();
  const std::vector<std::string> built = OrDie(
      BuildSignedRequests(options, RunIdFromClock(), warmup + timed), "building the requests");

  if (open_loop) {
    fmt::print("{} {}, open loop: {} requests/s for {} s, {} connections, {} thread(s)\n", label,
               MixName(*mix), rate, duration_s, connections, threads);
  } else {
    fmt::print("{} {}, closed loop: {} requests, {} connections, {} thread(s)\n", label,
               MixName(*mix), requests, connections, threads);
  }
  fmt::print("  requests    {} signed in {} ({} bytes each, {} of them warm-up)\n", built.size(),
             FormatMs(Ms(NowNs() - build_start)), built.empty() ? 0 : built.back().size(), warmup);

  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t w = 0; w < threads; ++w) {
    workers.push_back(std::make_unique<Worker>(built, expect));
    try {
      workers.back()->Connect(endpoints, connections / threads + (w < connections % threads));
    } catch (const boost::system::system_error& e) {
      Die(fmt::format("connecting to {}:{}", host, port),
          fmt::format("{}; is the server running?", e.code().message()));
    }
  }
  const std::int64_t timeout_ns = static_cast<std::int64_t>(timeout_s) * 1'000'000'000;
  if (warmup > 0) {
    const Outcome w = RunPhase(workers, 0, warmup, 0, timeout_ns);
    if (!w.error.empty() || w.latency_ms.size() != warmup) {
      Die("warm-up", w.error.empty() ? "not every request was answered" : w.error);
    }
  }
  const Outcome o = RunPhase(workers, warmup, timed, static_cast<double>(rate), timeout_ns);
  return Report(o, label, *mix, open_loop, allow_non_200, timed);
}

}  // namespace
}  // namespace kraken::bench

int main(int argc, char** argv) { return kraken::bench::Run(argc, argv); }
