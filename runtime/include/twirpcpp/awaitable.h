// The coroutine type of handlers and clients: Asio's awaitable, on any executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace twirp {

template <class T>
using Awaitable = boost::asio::awaitable<T, boost::asio::any_io_executor>;

}  // namespace twirp
