// kraken serve, kraken discord simulate|register.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "src/crypto/encoding.h"
#include "src/discord/interactions.h"
#include "src/discord/rest_client.h"
#include "src/net/http_server.h"
#include "src/net/url.h"
#include "src/serve/dev_key.h"
#include "src/serve/registration.h"
#include "src/serve/reply_text.h"
#include "src/serve/rollback_notifier.h"
#include "src/serve/service.h"
#include "src/serve/simulate.h"
#include "src/sheets_emulator/embedded_backend.h"
#include "src/sync/projector.h"
#include "src/sync/sync_loop.h"
#include "tools/kraken/cli_context.h"

namespace kraken::cli {
namespace {

// How soon a conflict settled by another process (`kraken conflicts resolve`)
// reaches the Discord user: one read of the log's head per interval when idle.
constexpr std::chrono::seconds kRollbackWatchInterval{2};

discord::RestOptions RestOptionsFrom(const Config& cfg) {
  discord::RestOptions options;
  options.api_base = cfg.discord.api_base;
  options.application_id = cfg.discord.application_id;
  options.bot_token = cfg.discord.bot_token;
  options.ca_file = cfg.discord.ca_file;
  return options;
}

Status Serve(CliContext& ctx) {
  KRAKEN_ASSIGN_OR_RETURN(const Config* cfg, ctx.config());
  KRAKEN_ASSIGN_OR_RETURN(RosterService * roster, ctx.service());
  serve::ServiceOptions options = serve::ServiceOptionsFrom(*cfg);
  std::string key_origin = "DISCORD_PUBLIC_KEY";
  options.public_key = cfg->discord.public_key;
  if (options.public_key.empty()) {
    KRAKEN_ASSIGN_OR_RETURN(serve::DevKey key, serve::LoadOrCreateDevKey(cfg->data_dir));
    options.public_key = crypto::HexEncode(key.public_key);
    key_origin = "local development key";
    spdlog::warn(
        "DISCORD_PUBLIC_KEY is not set: requests are verified against a LOCAL DEVELOPMENT KEY "
        "({} {}). Only `kraken discord simulate` can sign for it, Discord cannot; set "
        "DISCORD_PUBLIC_KEY to serve Discord (docs/discord-setup.md).",
        key.created ? "created at" : "read from", key.path);
  }
  KRAKEN_ASSIGN_OR_RETURN(auto rest, discord::RestClient::Create(RestOptionsFrom(*cfg)));
  if (cfg->discord.public_key.empty() && cfg->discord.api_base == DiscordConfig{}.api_base) {
    // Interactions signed with the development key come from `kraken discord
    // simulate`, not from Discord: their tokens mean nothing to discord.com,
    // so nothing is sent there. A local fake set as DISCORD_API_BASE still is.
    rest.reset();
    spdlog::info(
        "development key: deferred replies and conflict notices are logged, not sent to Discord "
        "(set DISCORD_API_BASE to a local fake to send them there)");
  }
  // The sheet projector: Google Sheets when configured, else the embedded
  // emulator, which this process then runs for the CLI too.
  KRAKEN_ASSIGN_OR_RETURN(std::unique_ptr<sheets::SheetsBackend> sheet,
                          sheets::OpenSheetsBackend(*cfg));
  sync::ProjectorOptions sync_options = sync::ProjectorOptionsFromConfig(cfg->sync);
  sync_options.lock_file = cfg->data_dir + "/sync.lock";
  // A Discord user whose change a conflict rolled back is told: a follow-up
  // while their interaction's token is valid, else in sync.notify_channel_id.
  // The watch finds those conflicts in the log, whichever process settled them
  // (this one's projector, `kraken sync`, `kraken conflicts resolve`); this
  // process's own cycles wake it at once.
  serve::InteractionTokens tokens;
  options.tokens = &tokens;
  serve::RollbackNotifier notifier(rest.get(), tokens, cfg->sync.notify_channel_id);
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t started_at, roster->log().Head());
  sync::RollbackWatch rollback_watch(roster->log(), started_at, [&notifier](sync::RolledBack r) {
    notifier.Notify({std::move(r.user_id), std::move(r.interaction_id), std::move(r.message)});
  });
  rollback_watch.Start(kRollbackWatchInterval);
  sync_options.on_rollback = [&rollback_watch](const sync::RolledBack&) { rollback_watch.Wake(); };
  sync::SheetProjector projector(*roster, sheet->client(), std::move(sync_options));
  sync::SyncLoop sync_loop(projector, std::chrono::seconds(cfg->sync.interval_seconds));
  spdlog::info("sheet sync: {} every {} s", sheet->description(), cfg->sync.interval_seconds);

  discord::HandlerOptions handler_options;
  handler_options.admin_role_ids = cfg->discord.admin_role_ids;
  handler_options.run_sync = [&sync_loop]() -> Result<std::string> {
    KRAKEN_ASSIGN_OR_RETURN(sync::CycleReport report, sync_loop.RunNow(std::chrono::seconds(10)));
    return report.Summary();
  };
  discord::InteractionHandler handler(*roster, std::move(handler_options));
  KRAKEN_ASSIGN_OR_RETURN(
      auto service, serve::Service::Start(
                        options, [&handler](std::string_view body) { return handler.Handle(body); },
                        *roster, rest.get()));
  Print(fmt::format("listening on {}://{} (public key {}, {})\n", service->tls() ? "https" : "http",
                    service->address(), options.public_key, key_origin));
  std::fflush(stdout);
  const int signal = net::WaitForTerminationSignal();
  spdlog::info("signal {}: finishing the requests in flight", signal);
  service->Stop();
  sync_loop.Stop();
  rollback_watch.Stop();
  notifier.Stop();
  KRAKEN_RETURN_IF_ERROR(roster->SaveSnapshot());
  Print("stopped\n");
  return Ok{};
}

struct RegisterArgs {
  std::string guild;
  bool global = false;
  bool print = false;
};

Status Register(CliContext& ctx, const RegisterArgs& args) {
  KRAKEN_ASSIGN_OR_RETURN(const Config* cfg, ctx.config());
  const std::string commands = discord::CommandsJson(cfg->schema);
  if (args.print) {
    Print(commands + "\n");
    return Ok{};
  }
  if (args.global && !args.guild.empty()) return Usage("--guild and --global exclude each other");
  const std::string guild = args.global          ? ""
                            : args.guild.empty() ? cfg->discord.guild_id
                                                 : args.guild;
  KRAKEN_ASSIGN_OR_RETURN(auto rest, discord::RestClient::Create(RestOptionsFrom(*cfg)));
  KRAKEN_ASSIGN_OR_RETURN(serve::Registration registered,
                          serve::RegisterCommands(*rest, commands, guild));
  if (ctx.json) {
    Print(registered.response + "\n");
  } else if (guild.empty()) {
    Print(
        fmt::format("registered {} commands globally (every server the app is in; Discord "
                    "may take a moment to show them)\n",
                    registered.commands));
  } else {
    Print(fmt::format("registered {} commands in guild {} (usable now)\n", registered.commands,
                      guild));
  }
  return Ok{};
}

struct SimulateArgs {
  std::string url;
  std::string user;
  std::string roles;
  std::string username;
  std::string id;
  std::string key_file;
  bool autocomplete = false;
  bool ping = false;
  std::vector<std::string> words;
};

// The signing key: --key-file, else $KRAKEN_DISCORD_SIGNING_SEED, else the
// development key `kraken serve` created beside the log.
Result<serve::DevKey> SigningKey(const Config& cfg, const SimulateArgs& args) {
  if (!args.key_file.empty()) return serve::ReadDevKey(args.key_file);
  if (const char* seed = std::getenv("KRAKEN_DISCORD_SIGNING_SEED"); seed && *seed) {
    return serve::DevKeyFromHex(seed, "KRAKEN_DISCORD_SIGNING_SEED");
  }
  return serve::ReadDevKey(serve::DevKeyPath(cfg.data_dir));
}

// http://<KRAKEN_LISTEN>, with a wildcard host replaced by loopback.
std::string DefaultUrl(const Config& cfg) {
  std::string listen = cfg.server.listen;
  for (const char* any : {"0.0.0.0:", "[::]:"}) {
    if (listen.rfind(any, 0) == 0) listen = "127.0.0.1:" + listen.substr(std::strlen(any));
  }
  const bool tls = !cfg.server.tls_cert.empty() && !cfg.server.tls_key.empty();
  return (tls ? "https://" : "http://") + listen;
}

Status Simulate(CliContext& ctx, const SimulateArgs& args) {
  KRAKEN_ASSIGN_OR_RETURN(const Config* cfg, ctx.config());
  KRAKEN_ASSIGN_OR_RETURN(serve::DevKey key, SigningKey(*cfg, args));
  serve::SimulateOptions options;
  if (!args.user.empty()) options.user.user_id = args.user;
  if (!args.username.empty()) options.user.username = args.username;
  for (std::size_t start = 0; start < args.roles.size();) {
    const std::size_t comma = std::min(args.roles.find(',', start), args.roles.size());
    if (comma > start) options.user.roles.push_back(args.roles.substr(start, comma - start));
    start = comma + 1;
  }
  options.interaction_id = args.id;
  if (!cfg->discord.application_id.empty()) options.application_id = cfg->discord.application_id;
  if (!cfg->discord.guild_id.empty()) options.guild_id = cfg->discord.guild_id;
  options.autocomplete = args.autocomplete;
  options.ping = args.ping;
  if (args.words.empty() && !args.ping) {
    return Usage("name a command: kraken discord simulate pilot show name=\"Kaelen Voss\"");
  }
  auto body = serve::BuildInteraction(discord::CommandsJson(cfg->schema), args.words, options);
  if (!body.ok()) return Usage(body.error().message);
  KRAKEN_ASSIGN_OR_RETURN(serve::SignedRequest request,
                          serve::SignInteraction(std::move(*body), key.seed, std::time(nullptr)));
  net::HttpClient client;
  const std::string url = args.url.empty() ? DefaultUrl(*cfg) : args.url;
  KRAKEN_ASSIGN_OR_RETURN(net::HttpResponse response, serve::PostInteraction(client, url, request));
  Print(ctx.json ? response.body + "\n" : serve::FormatReply(response.status, response.body));
  if (response.status == 401 && !ctx.json) {
    Print(fmt::format("(signed with {}; the server must verify with its public key {})\n", key.path,
                      crypto::HexEncode(key.public_key)));
  }
  if (response.status != 200) ctx.exit_code = kExitError;
  return Ok{};
}

}  // namespace

void AddServeCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* serve = app.add_subcommand(
      "serve", "Serve Discord interactions (POST /interactions), /healthz and /metrics");
  serve->callback(ctx.Run([&ctx] { return Serve(ctx); }));

  CLI::App* discord = app.add_subcommand("discord", "Discord: register commands, simulate them");
  discord->require_subcommand(1);

  auto register_args = std::make_shared<RegisterArgs>();
  CLI::App* reg = discord->add_subcommand(
      "register", "Register the slash commands with Discord (bulk overwrite)");
  reg->add_option("--guild", register_args->guild,
                  "Register in this guild only (instant; default: $KRAKEN_GUILD_ID)");
  reg->add_flag("--global", register_args->global,
                "Register globally even if KRAKEN_GUILD_ID is set");
  reg->add_flag("--print", register_args->print, "Print the commands JSON; send nothing");
  reg->callback(ctx.Run([&ctx, register_args] { return Register(ctx, *register_args); }));

  auto sim = std::make_shared<SimulateArgs>();
  CLI::App* simulate = discord->add_subcommand(
      "simulate", "Send a signed interaction to a running `kraken serve` and print the reply");
  simulate->add_option("--url", sim->url, "Server root (default: http://$KRAKEN_LISTEN)");
  simulate->add_option("--user", sim->user, "Discord user id of the caller");
  simulate->add_option("--roles", sim->roles, "The caller's role ids, comma-separated");
  simulate->add_option("--username", sim->username, "The caller's user name");
  simulate->add_option("--id", sim->id, "Interaction id (default: a new snowflake)");
  simulate->add_option("--key-file", sim->key_file,
                       "Ed25519 seed file (default: $KRAKEN_DISCORD_SIGNING_SEED, then "
                       "<data dir>/discord-dev-key)");
  simulate->add_flag("--autocomplete", sim->autocomplete,
                     "Send an autocomplete for the last option given");
  simulate->add_flag("--ping", sim->ping, "Send a PING, as Discord does to check the endpoint");
  simulate->add_option("words", sim->words, "COMMAND [GROUP] [SUBCOMMAND] [option=value ...]");
  simulate->callback(ctx.Run([&ctx, sim] { return Simulate(ctx, *sim); }));
}

}  // namespace kraken::cli
