// How a client turns a non-200 HTTP response into a twirp::Error, exactly as a
// Go twirp v8 client does (wire-protocol.md §6.5-6.11). Private to the runtime.
#pragma once

#include <string_view>

#include "twirpcpp/error.h"

namespace twirp::internal {

// The error a Go client reports for a non-200 response (wire-protocol.md §6.5-6.11).
// `reason_phrase` is quoted in intermediary messages; pass "" to use Go's
// net/http StatusText for `status` (what a Go client prints, whatever the server
// sent). `location_header` is only read for 3xx, `body` only for the others.
// One deliberate difference from Go: the spec's "dataloss" spelling is accepted
// as data_loss (a Go client turns it into internal).
Error ErrorFromHttpResponse(int status, std::string_view reason_phrase, std::string_view body,
                            std::string_view location_header);

// Go's net/http StatusText: "Found" for 302, "" for statuses Go does not know.
std::string_view GoStatusText(int status);

}  // namespace twirp::internal
