#include "src/serve/rollback_notifier.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "events/json_text.h"
#include "src/discord/reply.h"

namespace kraken::serve {
namespace {

// Ephemeral: only the user who ran the command sees it; pings no one.
std::string FollowupJson(const Rollback& r) {
  return discord::MessageJson(discord::TextMessage(r.message));
}

// Pings the user it is about, and only them.
std::string ChannelJson(const Rollback& r) {
  return JsonWriter()
      .BeginObject()
      .Key("content")
      .String(
          discord::Truncate(fmt::format("<@{}> {}", r.user_id, r.message), discord::kMaxContent))
      .Key("allowed_mentions")
      .BeginObject()
      .Key("parse")
      .BeginArray()
      .EndArray()
      .Key("users")
      .BeginArray()
      .String(r.user_id)
      .EndArray()
      .EndObject()
      .EndObject()
      .Take();
}

}  // namespace

InteractionTokens::InteractionTokens(std::function<Clock::time_point()> now)
    : now_(std::move(now)) {}

void InteractionTokens::Remember(std::string_view interaction_id, std::string_view application_id,
                                 std::string_view token) {
  if (interaction_id.empty() || token.empty()) return;
  const Clock::time_point now = now_();
  std::lock_guard lock(mu_);
  ForgetExpired(now);
  auto [it, inserted] = by_id_.try_emplace(std::string(interaction_id));
  if (!inserted) return;  // a redelivery: the first token is as good
  it->second = Entry{{std::string(application_id), std::string(token)}, now};
  arrival_.emplace_back(now, it->first);
}

std::optional<InteractionTokens::Token> InteractionTokens::Find(
    std::string_view interaction_id) const {
  const Clock::time_point now = now_();
  std::lock_guard lock(mu_);
  auto it = by_id_.find(std::string(interaction_id));
  if (it == by_id_.end() || now - it->second.at >= kUsableFor) return std::nullopt;
  return it->second.token;
}

std::size_t InteractionTokens::size() const {
  std::lock_guard lock(mu_);
  return by_id_.size();
}

void InteractionTokens::ForgetExpired(Clock::time_point now) {
  while (!arrival_.empty() && now - arrival_.front().first >= kUsableFor) {
    by_id_.erase(arrival_.front().second);
    arrival_.pop_front();
  }
}

std::string_view NoticeOutcomeName(NoticeOutcome outcome) {
  switch (outcome) {
    case NoticeOutcome::kFollowup:
      return "follow-up";
    case NoticeOutcome::kChannel:
      return "channel message";
    case NoticeOutcome::kUndeliverable:
      return "undeliverable";
    case NoticeOutcome::kFailed:
      return "failed";
  }
  return "?";
}

RollbackNotifier::RollbackNotifier(discord::RestClient* rest, const InteractionTokens& tokens,
                                   std::string channel_id,
                                   std::function<void(const Rollback&, NoticeOutcome)> on_done)
    : rest_(rest),
      tokens_(tokens),
      channel_id_(std::move(channel_id)),
      on_done_(std::move(on_done)),
      thread_([this] { Run(); }) {}

RollbackNotifier::~RollbackNotifier() { Stop(); }

void RollbackNotifier::Notify(Rollback rollback) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    queue_.push_back(std::move(rollback));
  }
  wake_.notify_one();
}

void RollbackNotifier::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  std::call_once(joined_, [this] { thread_.join(); });
}

void RollbackNotifier::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything sent
    Rollback next = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const NoticeOutcome outcome = Deliver(next);
    if (on_done_) on_done_(next, outcome);
    lock.lock();
  }
}

NoticeOutcome RollbackNotifier::Deliver(const Rollback& r) {
  std::string followup_problem;
  if (rest_ != nullptr && !r.interaction_id.empty()) {
    if (auto token = tokens_.Find(r.interaction_id)) {
      auto sent = rest_->CreateFollowup(token->application_id, token->token, FollowupJson(r));
      if (sent.ok()) {
        spdlog::info("told Discord user {} of a rolled-back change (follow-up to interaction {})",
                     r.user_id, r.interaction_id);
        return NoticeOutcome::kFollowup;
      }
      followup_problem = sent.error().message;
    }
  }
  if (rest_ != nullptr && !channel_id_.empty()) {
    auto sent = rest_->CreateMessage(channel_id_, ChannelJson(r));
    if (sent.ok()) {
      spdlog::info("told Discord user {} of a rolled-back change (message in channel {})",
                   r.user_id, channel_id_);
      return NoticeOutcome::kChannel;
    }
    spdlog::error(
        "could not tell Discord user {} that a conflict rolled back their change: {}{}; the "
        "change and the conflict are in the log (kraken conflicts --all)",
        r.user_id, sent.error().message,
        followup_problem.empty() ? "" : "; the follow-up failed too: " + followup_problem);
    return NoticeOutcome::kFailed;
  }
  if (!followup_problem.empty()) {
    spdlog::error(
        "could not tell Discord user {} that a conflict rolled back their change: {}; set "
        "sync.notify_channel_id so such notices have a channel to fall back on",
        r.user_id, followup_problem);
    return NoticeOutcome::kFailed;
  }
  spdlog::warn(
      "a conflict rolled back a change by Discord user {} and they cannot be told: {}; set "
      "sync.notify_channel_id (docs/configuration.md) to post such notices in a channel. {}",
      r.user_id,
      rest_ == nullptr
          ? "no Discord REST client is configured (a development key sends nothing to Discord)"
      : r.interaction_id.empty() ? "the change did not come from an interaction"
                                 : "the interaction's token has expired (15 minutes)",
      r.message);
  return NoticeOutcome::kUndeliverable;
}

}  // namespace kraken::serve
