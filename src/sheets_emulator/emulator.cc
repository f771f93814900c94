#include "src/sheets_emulator/emulator.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>

#include "src/sheets_emulator/emulator_core.h"

namespace kraken::sheets {
namespace {

// Holds replies back for the configured latency on one thread, so slow replies
// do not occupy the server's handler threads.
class DelayedReplies {
 public:
  DelayedReplies() : thread_([this] { Run(); }) {}
  ~DelayedReplies() { Shutdown(); }

  void Schedule(std::chrono::steady_clock::time_point due, net::Responder respond,
                net::ServerResponse reply) {
    {
      std::lock_guard lock(mu_);
      if (!flushing_) {
        queue_.push(Item{due, seq_++, std::move(respond), std::move(reply)});
        cv_.notify_one();
        return;
      }
    }
    respond(std::move(reply));  // shutting down: no more waiting
  }

  // Answers everything still waiting now, then stops the thread. Idempotent.
  void Shutdown() {
    {
      std::lock_guard lock(mu_);
      flushing_ = true;
      cv_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  struct Item {
    std::chrono::steady_clock::time_point due;
    std::uint64_t seq;  // keeps replies due at the same time in arrival order
    net::Responder respond;
    net::ServerResponse reply;
    bool operator>(const Item& o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };

  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (queue_.empty()) {
        if (flushing_) return;
        cv_.wait(lock);
        continue;
      }
      if (!flushing_ && std::chrono::steady_clock::now() < queue_.top().due) {
        cv_.wait_until(lock, queue_.top().due);
        continue;
      }
      Item item = std::move(const_cast<Item&>(queue_.top()));
      queue_.pop();
      lock.unlock();
      item.respond(std::move(item.reply));
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
  bool flushing_ = false;
  std::thread thread_;
};

}  // namespace

struct SheetsEmulator::Impl {
  EmulatorOptions options;
  std::unique_ptr<emu::EmulatorCore> core;
  DelayedReplies delayed;
  std::atomic<std::uint64_t> handled{0};
  std::unique_ptr<net::HttpServer> server;
};

SheetsEmulator::SheetsEmulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SheetsEmulator::~SheetsEmulator() { Stop(); }

Result<std::unique_ptr<SheetsEmulator>> SheetsEmulator::Start(EmulatorOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  emu::CoreOptions core;
  core.state_file = options.state_file;
  core.reads_per_minute = options.reads_per_minute;
  core.writes_per_minute = options.writes_per_minute;
  core.fail_429 = options.fail_429;
  core.fail_500 = options.fail_500;
  core.drop = options.drop;
  core.seed = options.seed;
  KRAKEN_ASSIGN_OR_RETURN(impl->core, emu::EmulatorCore::Open(std::move(core)));

  net::ServerOptions server;
  server.listen = options.listen;
  server.body_limit = 16u << 20;  // Google recommends 2 MB; big test writes still fit
  server.handler_threads =
      2;  // the core is serialised; 2 keep a state-file fsync off the I/O thread
  server.server_name = "kraken-sheets-emulator";
  Impl* raw = impl.get();
  auto handler = [raw](net::ServerRequest&& request, net::Responder respond) {
    net::ServerResponse reply = raw->core->Handle(request);
    raw->handled.fetch_add(1);
    if (raw->options.latency.count() > 0) {
      raw->delayed.Schedule(std::chrono::steady_clock::now() + raw->options.latency,
                            std::move(respond), std::move(reply));
    } else {
      respond(std::move(reply));
    }
  };
  KRAKEN_ASSIGN_OR_RETURN(impl->server, net::HttpServer::Start(server, handler));
  impl->core->set_base_url("http://" + impl->server->address());
  return std::unique_ptr<SheetsEmulator>(new SheetsEmulator(std::move(impl)));
}

std::string SheetsEmulator::base_url() const { return impl_->core->base_url(); }

Result<std::string> SheetsEmulator::ServiceAccountKey(const std::string& client_email) {
  return impl_->core->ServiceAccountKey(client_email);
}

Status SheetsEmulator::ImportServiceAccountKey(const std::string& key_file_json) {
  return impl_->core->ImportServiceAccountKey(key_file_json);
}

Result<std::string> SheetsEmulator::CreateSpreadsheet(const std::string& title,
                                                      const std::vector<std::string>& tabs,
                                                      const std::string& editor_email) {
  return impl_->core->CreateSpreadsheet(title, tabs, editor_email);
}

Status SheetsEmulator::Share(const std::string& id, const std::string& email) {
  return impl_->core->Share(id, email);
}

Result<std::string> SheetsEmulator::Note(const std::string& id, const std::string& tab, int row,
                                         int col) const {
  return impl_->core->Note(id, tab, row, col);
}

std::string SheetsEmulator::FindSpreadsheet(const std::string& title) const {
  return impl_->core->FindSpreadsheet(title);
}

std::uint64_t SheetsEmulator::requests_handled() const { return impl_->handled.load(); }

void SheetsEmulator::Stop() {
  if (!impl_ || !impl_->server) return;
  // Delayed replies go out first, so the server's graceful stop has nothing to wait for.
  impl_->delayed.Shutdown();
  impl_->server->Stop();
}

}  // namespace kraken::sheets
