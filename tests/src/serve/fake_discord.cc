#include "tests/src/serve/fake_discord.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kraken::serve::testing {

FakeDiscord::FakeDiscord() {
  net::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.handler_threads = 2;
  auto server =
      net::HttpServer::Start(options, [this](net::ServerRequest&& request, net::Responder respond) {
        net::ServerResponse response = Json(200, "[]");
        {
          std::lock_guard lock(mu_);
          received_.push_back({request.method, request.target, request.headers, request.body,
                               std::chrono::steady_clock::now()});
          if (!script_.empty()) {
            response = std::move(script_.front());
            script_.pop_front();
          }
          arrived_.notify_all();
        }
        respond(std::move(response));
      });
  if (!server.ok()) throw std::runtime_error("fake Discord: " + server.error().message);
  server_ = std::move(*server);
}

FakeDiscord::~FakeDiscord() { server_->Stop(); }

std::string FakeDiscord::base() const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + "/api/v10";
}

void FakeDiscord::Answer(net::ServerResponse response) {
  std::lock_guard lock(mu_);
  script_.push_back(std::move(response));
}

net::ServerResponse FakeDiscord::Json(int status, std::string body, net::Headers headers) {
  net::ServerResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::vector<Received> FakeDiscord::received() const {
  std::lock_guard lock(mu_);
  return received_;
}

bool FakeDiscord::WaitFor(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return arrived_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
}

}  // namespace kraken::serve::testing
