// InteractionHandler: from a verified request body to the reply. Parsing,
// the checks every command gets (is it a command, may this member run it, are
// the options well typed), dispatch, and turning errors into messages.

#include "src/discord/interactions.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "events/json_text.h"
#include "src/discord/handlers.h"

namespace kraken::discord {
namespace {

struct Route {
  std::string_view path;
  Handler handler;
};

constexpr Route kRoutes[] = {
    {"pilot register", PilotRegister},
    {"pilot set", PilotSet},
    {"pilot alt add", PilotAltAdd},
    {"pilot alt remove", PilotAltRemove},
    {"pilot show", PilotShow},
    {"corp list", CorpList},
    {"corp show", CorpShow},
    {"roster", RosterSummary},
    {"admin set pilot", AdminSetPilot},
    {"admin set corp", AdminSetCorp},
    {"admin history pilot", AdminHistoryPilot},
    {"admin history corp", AdminHistoryCorp},
    {"admin revert", AdminRevert},
    {"admin sync", AdminSync},
    {"admin conflicts", AdminConflicts},
};

// A message for the user, ephemeral, in the reply.
void Say(Reply& reply, const Message& message, std::string outcome) {
  reply.type = 4;
  reply.data = MessageJson(message);
  reply.outcome = std::move(outcome);
}

std::string Sentence(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 32);
  if (!text.empty() && text.back() != '.' && text.back() != '?' && text.back() != '!') text += '.';
  return text;
}


const char* OutcomeOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kAlreadyExists:
      return "invalid";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kPermissionDenied:
      return "denied";
    default:
      return "error";
  }
}

// What the user is told about an error: what was wrong and what is allowed,
// or, for a failure on our side, a generic message (a full disk named as such);
// the details go to the log under the interaction id (never the token).
void SayError(Reply& reply, const Error& error) {
  const std::string outcome = OutcomeOf(error.code);
  if (outcome != "error") {
    Say(reply, TextMessage(Sentence(ForDiscord(error).message)), outcome);
    return;
  }
  spdlog::error("discord interaction {} (/{}) failed: {}: {}", reply.interaction_id, reply.command,
                ErrorCodeName(error.code), error.message);
  // A full disk is the one failure on our side the member can do something
  // about (wait, or tell an admin), and nothing was written, so naming it helps
  // more than "something went wrong" alone. The log's path stays in the log.
  if (error.code == ErrorCode::kDiskFull) {
    Say(reply,
        TextMessage(fmt::format(
            "Something went wrong on KRAKEN's side: its server is out of disk space, so nothing "
            "was changed. Please try again later, and tell an admin so they can free some space "
            "(reference: interaction {}).",
            reply.interaction_id)),
        "error");
    return;
  }
  const bool transient =
      error.code == ErrorCode::kConflict || error.code == ErrorCode::kUnavailable;
  Say(reply,
      TextMessage(transient
                      ? "KRAKEN is busy with other changes to the same rows; please run the "
                        "command again in a moment."
                      : fmt::format("Something went wrong on KRAKEN's side. Please try again; if "
                                    "it keeps failing, tell an admin (reference: interaction {}).",
                                    reply.interaction_id)),
      "error");
}

bool IsAdmin(const Interaction& interaction, const HandlerOptions& options) {
  return std::any_of(interaction.roles.begin(), interaction.roles.end(), [&](const auto& role) {
    return std::find(options.admin_role_ids.begin(), options.admin_role_ids.end(), role) !=
           options.admin_role_ids.end();
  });
}

void RunCommand(Reply& reply, const Interaction& interaction, RosterService& roster,
                const HandlerOptions& options) {
  reply.command = interaction.PathString();
  const Catalogue catalogue(roster.schema());
  const std::vector<OptionSpec>* specs = catalogue.Find(interaction.path);
  const Handler handler = FindHandler(reply.command);
  if (specs == nullptr || handler == nullptr) {
    Say(reply,
        TextMessage(fmt::format("Sorry, KRAKEN does not know /{}. Its commands are /pilot, "
                                "/corp, /roster and, for admins, /admin; Discord may still be "
                                "showing an old list.",
                                reply.command)),
        "not_found");
    return;
  }
  if (interaction.user_id.empty()) {
    Say(reply,
        TextMessage("This interaction names no Discord user, so KRAKEN cannot tell whose "
                    "pilots are meant."),
        "invalid");
    return;
  }
  const bool admin = IsAdmin(interaction, options);
  // Discord hides /admin from members who lack the permission, but anyone can
  // still send the payload: the role is what counts.
  if (interaction.path.front() == "admin" && !admin) {
    Say(reply,
        TextMessage("Only alliance admins may use /admin (members with one of the admin roles "
                    "KRAKEN is configured with). Nothing was changed."),
        "denied");
    return;
  }
  if (Status ok = CheckOptions(*specs, interaction, false); !ok.ok()) {
    SayError(reply, ok.error());
    return;
  }
  Call call(interaction, roster, options, admin);
  Result<Answer> answer = handler(call);
  if (!answer.ok()) {
    SayError(reply, answer.error());
    return;
  }
  Say(reply, answer->message, answer->duplicate ? "duplicate" : "ok");
}

void RunAutocomplete(Reply& reply, const Interaction& interaction, RosterService& roster,
                     const HandlerOptions& options) {
  reply.command = "autocomplete";
  reply.type = 8;
  const Catalogue catalogue(roster.schema());
  std::vector<AutocompleteChoice> choices;
  const std::vector<OptionSpec>* specs = catalogue.Find(interaction.path);
  if (specs != nullptr && CheckOptions(*specs, interaction, true).ok()) {
    Call call(interaction, roster, options, IsAdmin(interaction, options));
    choices = Complete(catalogue, call);
  }
  reply.data = AutocompleteJson(choices);
}

Reply Dispatch(std::string_view body, RosterService& roster, const HandlerOptions& options) {
  Reply reply;
  Result<Interaction> parsed = ParseInteraction(body);
  if (!parsed.ok()) {
    reply.http_status = 400;
    reply.outcome = "invalid";
    reply.data =
        JsonWriter().BeginObject().Key("error").String(parsed.error().message).EndObject().Take();
    return reply;
  }
  const Interaction& interaction = *parsed;
  reply.interaction_id = interaction.id;
  reply.token = interaction.token;
  reply.application_id = interaction.application_id;
  switch (interaction.type) {
    case kPing:
      reply.type = 1;
      reply.command = "ping";
      return reply;
    case kApplicationCommand:
      RunCommand(reply, interaction, roster, options);
      return reply;
    case kAutocomplete:
      RunAutocomplete(reply, interaction, roster, options);
      return reply;
    default:
      reply.command = fmt::format("type {}", interaction.type);
      Say(reply,
          TextMessage("KRAKEN only answers its slash commands; use /pilot, /corp or "
                      "/roster."),
          "invalid");
      return reply;
  }
}

}  // namespace

Handler FindHandler(std::string_view path) {
  for (const Route& r : kRoutes) {
    if (r.path == path) return r.handler;
  }
  return nullptr;
}

InteractionHandler::InteractionHandler(RosterService& roster, HandlerOptions options)
    : roster_(roster), options_(std::move(options)) {}

Reply InteractionHandler::Handle(std::string_view body) {
  try {
    return Dispatch(body, roster_, options_);
  } catch (const std::exception& e) {
    // A bug or an allocation failure: the user still gets an answer.
    spdlog::error("discord interaction failed with an exception: {}", e.what());
  } catch (...) {
    spdlog::error("discord interaction failed with an unknown exception");
  }
  Reply reply;
  reply.outcome = "error";
  reply.data =
      MessageJson(TextMessage("Something went wrong on KRAKEN's side. Please try again; "
                              "if it keeps failing, tell an admin."));
  return reply;
}

}  // namespace kraken::discord
