#pragma once
// Private to src/net: the Boost includes and namespace aliases the .cc files
// share. Beast and Asio never appear in a public header (see STYLE.md), so only
// src/net/*.cc include this.

// g++ 12 needs <utility> before Asio's coroutine headers; harmless otherwise.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <utility>

namespace kraken::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

// Beast's string_view is Boost's, not std's.
inline beast::string_view ToBeast(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace kraken::net
