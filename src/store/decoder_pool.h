#pragma once
// DecoderPool: EventDecoders for the log's readers. An EventDecoder is not
// thread-safe, and one made per call would throw its buffers away each time, so
// readers lease one for the length of a call. Private to src/store.

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "events/codec.h"

namespace kraken {

class DecoderPool {
 public:
  // A decoder for one thread's use, returned to the pool on destruction.
  class Lease {
   public:
    Lease(DecoderPool& pool, std::unique_ptr<EventDecoder> decoder)
        : pool_(pool), decoder_(std::move(decoder)) {}
    ~Lease() { pool_.Return(std::move(decoder_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    EventDecoder& operator*() const { return *decoder_; }

   private:
    DecoderPool& pool_;
    std::unique_ptr<EventDecoder> decoder_;
  };

  Lease Acquire() {
    std::unique_ptr<EventDecoder> decoder;
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        decoder = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!decoder) decoder = std::make_unique<EventDecoder>();
    return Lease(*this, std::move(decoder));
  }

 private:
  void Return(std::unique_ptr<EventDecoder> decoder) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(decoder));
  }

  std::mutex mu_;
  std::vector<std::unique_ptr<EventDecoder>> free_;
};

}  // namespace kraken
