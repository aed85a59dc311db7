#include "hat_maker.h"

#include <array>
#include <string_view>

namespace haberdasher {
namespace {

constexpr std::array<std::string_view, 6> kColors = {"white", "black", "brown",
                                                     "red",   "blue",  "green"};
constexpr std::array<std::string_view, 5> kNames = {"bowler", "baseball cap", "top hat", "derby",
                                                    "fedora"};

}  // namespace

twirp::Result<twitch::twirp::example::Hat> MakeHatFor(const twitch::twirp::example::Size& size) {
  if (size.inches() <= 0) {
    return twirp::InvalidArgumentError("inches", "I can't make a hat that small!");
  }
  // Deterministic rather than random (as Go's example is), so that demos and
  // tests can state the answer.
  const auto inches = static_cast<std::size_t>(size.inches());
  twitch::twirp::example::Hat hat;
  hat.set_size(size.inches());
  hat.set_color(std::string(kColors[inches % kColors.size()]));
  hat.set_name(std::string(kNames[inches % kNames.size()]));
  return hat;
}

twirp::Awaitable<twirp::Result<twitch::twirp::example::Hat>> HatMaker::MakeHat(
    twirp::Context&, const twitch::twirp::example::Size& size) {
  co_return MakeHatFor(size);
}

}  // namespace haberdasher
