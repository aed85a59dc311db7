// The Haberdasher service: makes the same hat for the same size, every time.
#pragma once

#include "haberdasher.twirp.h"

namespace haberdasher {

class HatMaker final : public twitch::twirp::example::Haberdasher {
 public:
  twirp::Awaitable<twirp::Result<twitch::twirp::example::Hat>> MakeHat(
      twirp::Context& ctx, const twitch::twirp::example::Size& size) override;
};

// The hat for a size, or invalid_argument (meta argument=inches) for inches <= 0.
twirp::Result<twitch::twirp::example::Hat> MakeHatFor(const twitch::twirp::example::Size& size);

}  // namespace haberdasher
