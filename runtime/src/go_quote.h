// Go's %q (strconv.Quote) for the router's error messages, which Go servers
// format with fmt.Sprintf("... %q ...") (twirp-wire.md §4.12).
#pragma once

#include <string>
#include <string_view>

namespace twirp::internal {

// `s` in double quotes, escaped as strconv.Quote does: \" \\ \a \b \f \n \r \t
// \v, other control bytes and invalid UTF-8 as \xNN, valid but non-printable
// code points as \uNNNN or \UNNNNNNNN, printable UTF-8 kept as is.
//
// Go decides printability from the full Unicode tables; this recognises the
// non-printable code points a URL path or header can realistically carry
// (controls, format characters, separators other than ASCII space, private use,
// noncharacters) and treats the rest as printable.
std::string GoQuote(std::string_view s);

}  // namespace twirp::internal
