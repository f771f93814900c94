#include "tests/src/net/raw_client.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <thread>

namespace kraken::net::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

RawReply RawExchange(std::uint16_t port, const std::string& request,
                     std::chrono::milliseconds limit) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  if (!request.empty()) asio::write(socket, asio::buffer(request));
  RawReply reply;
  std::array<char, 4096> chunk;
  std::function<void()> read_more = [&] {
    socket.async_read_some(asio::buffer(chunk),
                           [&](const boost::system::error_code& ec, std::size_t n) {
                             reply.bytes.append(chunk.data(), n);
                             if (ec) {
                               reply.closed = true;
                               return;
                             }
                             read_more();
                           });
  };
  read_more();
  ioc.run_for(limit);
  if (!reply.closed) {
    reply.timed_out = true;
    boost::system::error_code ignored;
    socket.close(ignored);
    ioc.restart();
    ioc.run();
  }
  return reply;
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::uint16_t UnusedPort() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace kraken::net::testing
