#include "tools/faults/discord_load.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <ctime>
#include <random>

#include "src/net/http_client.h"
#include "src/serve/simulate.h"

namespace kraken::faults {
namespace {

constexpr const char* kCorps[] = {"KRKN", "RDSUN", "VOID"};
constexpr const char* kClones[] = {"Alpha", "Omega"};

enum class Outcome { kAcknowledged, kRejected, kUnanswered, kDeferred };

// What a reply says happened. A change's reply carries "Recorded as event N"
// or "Recorded as events N-M" in its embed footer; anything else answered with
// a message is a refusal (which records nothing).
Outcome ReadReply(const net::HttpResponse& response, Interaction& it) {
  if (response.status != 200) {
    // 503 and friends: no answer about the change itself; ask again later.
    if (response.status >= 500) return Outcome::kUnanswered;
    it.rejection = fmt::format("HTTP {}: {}", response.status, response.body);
    return Outcome::kRejected;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element reply;
  if (parser.parse(response.body).get(reply) != simdjson::SUCCESS) {
    it.rejection = "a reply that is not JSON: " + response.body;
    return Outcome::kRejected;
  }
  std::int64_t type = 0;
  if (reply["type"].get(type) != simdjson::SUCCESS) type = 0;
  if (type == 5) return Outcome::kDeferred;
  std::string_view footer;
  if (reply.at_pointer("/data/embeds/0/footer/text").get(footer) == simdjson::SUCCESS &&
      footer.starts_with("Recorded as event")) {
    std::string_view range = footer.substr(footer.find(' ', 12) + 1);  // "N" or "N-M"
    const auto dash = range.find('-');
    const std::string_view first = range.substr(0, dash);
    const std::string_view last = dash == std::string_view::npos ? first : range.substr(dash + 1);
    std::from_chars(first.data(), first.data() + first.size(), it.first_seq);
    std::from_chars(last.data(), last.data() + last.size(), it.last_seq);
    if (it.first_seq > 0 && it.last_seq >= it.first_seq) return Outcome::kAcknowledged;
  }
  std::string_view text;
  if (reply.at_pointer("/data/content").get(text) != simdjson::SUCCESS || text.empty()) {
    if (reply.at_pointer("/data/embeds/0/description").get(text) != simdjson::SUCCESS) text = "";
  }
  it.rejection = text.empty() ? response.body : std::string(text);
  return Outcome::kRejected;
}

Outcome SendOnce(net::HttpClient& client, const DiscordLoadOptions& options, Interaction& it) {
  ++it.attempts;
  // Signed afresh on each attempt, as Discord does on a redelivery; the body,
  // and so the interaction id, stays the same.
  auto signed_request = serve::SignInteraction(it.body, options.signing_seed, std::time(nullptr));
  if (!signed_request.ok()) {
    it.rejection = signed_request.error().message;
    return Outcome::kRejected;
  }
  auto response = serve::PostInteraction(client, options.url, *signed_request);
  if (!response.ok()) return Outcome::kUnanswered;
  return ReadReply(*response, it);
}

}  // namespace

DiscordLoad::DiscordLoad(DiscordLoadOptions options) : options_(std::move(options)) {
  for (int w = 0; w < options_.users; ++w) threads_.emplace_back([this, w] { Work(w); });
  if (!options_.admin_role_id.empty()) threads_.emplace_back([this] { RequestSyncs(); });
}

DiscordLoad::~DiscordLoad() { Finish(0); }

void DiscordLoad::Resume() {
  std::lock_guard lock(mu_);
  open_ = true;
  ++generation_;
  cv_.notify_all();
}

void DiscordLoad::Pause() {
  std::unique_lock lock(mu_);
  open_ = false;
  cv_.wait(lock, [&] { return busy_ == 0; });
}

void DiscordLoad::Finish(int max_attempts) {
  {
    std::lock_guard lock(mu_);
    if (finishing_ && threads_.empty()) return;
    finishing_ = true;
    finish_attempts_ = max_attempts;
    open_ = true;
    cv_.notify_all();
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

std::vector<Interaction> DiscordLoad::Interactions() const {
  std::lock_guard lock(mu_);
  return interactions_;
}

DiscordLoadFigures DiscordLoad::Figures() const {
  std::lock_guard lock(mu_);
  DiscordLoadFigures f;
  f.sent = interactions_.size();
  f.deferred = deferred_;
  f.syncs = syncs_;
  for (const Interaction& it : interactions_) {
    if (it.state == Interaction::State::kAcknowledged) ++f.acknowledged;
    if (it.state == Interaction::State::kRejected) ++f.rejected;
    if (it.state == Interaction::State::kPending) ++f.pending;
    if (it.attempts > 1) ++f.retried;
  }
  return f;
}

void DiscordLoad::RequestSyncs() {
  serve::SimulateOptions sim;
  sim.user.user_id = "799000000000000001";
  sim.user.username = "crash-admin";
  sim.user.roles = {options_.admin_role_id};
  net::HttpClientOptions http;
  http.connect_timeout = std::chrono::milliseconds(2000);
  http.request_timeout = options_.request_timeout;
  net::HttpClient client(http);
  std::uint64_t min_generation = 1;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return finishing_ || (open_ && generation_ >= min_generation); });
      if (finishing_) return;
      ++busy_;
    }
    // It changes nothing by itself, so there is nothing to remember but the count.
    bool answered = false;
    sim.interaction_id.clear();  // a new one each time
    auto body = serve::BuildInteraction(options_.commands_json, {"admin", "sync"}, sim);
    if (body.ok()) {
      auto request =
          serve::SignInteraction(std::move(*body), options_.signing_seed, std::time(nullptr));
      if (request.ok()) {
        auto response = serve::PostInteraction(client, options_.url, *request);
        answered = response.ok() && response->status == 200;
      }
    }
    std::lock_guard lock(mu_);
    --busy_;
    if (answered) ++syncs_;
    if (!answered) min_generation = generation_ + 1;  // the server is down: wait for it
    cv_.notify_all();
  }
}

void DiscordLoad::Work(int worker) {
  std::mt19937_64 rng(options_.seed * 1000003 + static_cast<std::uint64_t>(worker));
  serve::SimulateOptions sim;
  sim.user.user_id = fmt::format("7{:02}{:015}", worker, 4242);
  sim.user.username = fmt::format("crash-user-{}", worker);
  net::HttpClientOptions http;
  http.connect_timeout = std::chrono::milliseconds(2000);
  http.request_timeout = options_.request_timeout;
  net::HttpClient client(http);

  std::vector<std::string> pilots;  // registered, acknowledged
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t current = kNone;  // index into interactions_ of the one not answered yet
  std::uint64_t min_generation = 1;
  int finish_tries = 0;
  for (std::uint64_t n = 0;; ++n) {
    Interaction it;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return finishing_ || (open_ && generation_ >= min_generation); });
      if (finishing_ && (current == kNone || finish_tries >= finish_attempts_)) return;
      if (finishing_) ++finish_tries;
      ++busy_;
      if (current != kNone) it = interactions_[current];
    }
    if (current == kNone) {
      // Register when there is no pilot yet, and now and then while under the cap.
      const bool register_one =
          pilots.empty() ||
          (static_cast<int>(pilots.size()) < options_.max_pilots_per_user && rng() % 4 == 0);
      it.user_id = sim.user.user_id;
      sim.interaction_id = fmt::format("13{:02}{:015}", worker, n);
      it.id = sim.interaction_id;
      std::vector<std::string> words;
      if (register_one) {
        it.kind = Interaction::Kind::kRegister;
        it.pilot = fmt::format("Crash W{} P{}", worker, n);
        words = {"pilot", "register", "name=" + it.pilot, fmt::format("corp={}", kCorps[rng() % 3]),
                 fmt::format("clone={}", kClones[rng() % 2])};
      } else {
        it.kind = Interaction::Kind::kSet;
        it.pilot = pilots[rng() % pilots.size()];
        it.value = fmt::format("w{}-n{}", worker, n);
        words = {"pilot", "set", "field=notes", "value=" + it.value, "pilot=" + it.pilot};
      }
      auto body = serve::BuildInteraction(options_.commands_json, words, sim);
      if (body.ok()) {
        it.body = std::move(*body);
      } else {
        it.state = Interaction::State::kRejected;
        it.rejection = "the harness built no interaction: " + body.error().message;
      }
    }
    const Outcome outcome = it.state == Interaction::State::kRejected
                                ? Outcome::kRejected
                                : SendOnce(client, options_, it);
    std::lock_guard lock(mu_);
    --busy_;
    if (current == kNone) {
      interactions_.push_back(it);
      current = interactions_.size() - 1;
    }
    Interaction& stored = interactions_[current];
    stored = it;
    switch (outcome) {
      case Outcome::kAcknowledged:
        stored.state = Interaction::State::kAcknowledged;
        if (stored.kind == Interaction::Kind::kRegister) pilots.push_back(stored.pilot);
        current = kNone;
        break;
      case Outcome::kRejected:
        stored.state = Interaction::State::kRejected;
        current = kNone;
        break;
      case Outcome::kDeferred:
        // The handler is still at it: ask again at once; the id makes it safe.
        ++deferred_;
        break;
      case Outcome::kUnanswered:
        min_generation = generation_ + 1;  // after the next restart
        break;
    }
    cv_.notify_all();
  }
}

}  // namespace kraken::faults
