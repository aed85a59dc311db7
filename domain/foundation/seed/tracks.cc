// The tracks of the seed data set.
#include <array>
#include <string>

#include "seed/random.h"
#include "seed/seed.h"
#include "tracks/store.h"

namespace foundation::seed {

namespace {

constexpr std::array<std::string_view, 16> kAdjectives = {
    "Blue",  "Late",   "Quiet", "Electric", "Golden", "Broken", "Distant",  "Neon",
    "Paper", "Silver", "Slow",  "Velvet",   "Wild",   "Hidden", "Northern", "Summer"};
constexpr std::array<std::string_view, 16> kNouns = {
    "Hours",   "Rivers",  "Signals", "Lights", "Echoes", "Streets", "Waves",  "Dreams",
    "Engines", "Gardens", "Mirrors", "Skies",  "Tides",  "Voices",  "Fields", "Harbors"};
constexpr std::array<std::string_view, 10> kGenres = {
    "electronic", "hip-hop", "house", "techno", "ambient",
    "indie",      "jazz",    "pop",   "rock",   "drum-and-bass"};
// 2024-01-01T00:00:00Z; track t was uploaded t hours later.
constexpr std::int64_t kFirstUploadS = 1704067200;

}  // namespace

twirp::Result<void> SeedTracks(tracks::TracksStore& store) {
  SplitMix64 random(0x747261636b73);  // "tracks"
  for (std::int64_t id = 1; id <= kTrackCount; ++id) {
    tracks::TrackRecord track;
    track.id = id;
    track.title = std::string(kAdjectives[random.Below(kAdjectives.size())]) + " " +
                  std::string(kNouns[random.Below(kNouns.size())]);
    track.artist_user_id = ArtistOf(id);
    track.duration_ms = static_cast<std::int32_t>(60'000 + random.Below(300'000));
    track.artwork_url = "https://cdn.example.com/artwork/" + std::to_string(id) + ".jpg";
    track.genre = std::string(kGenres[random.Below(kGenres.size())]);
    track.created_at_s = kFirstUploadS + id * 3600;
    track.is_private = IsPrivate(id);
    if (track.is_private) track.secret_token = SecretToken(id);
    if (id % 50 == 3) track.blocked_territories = {"DE"};
    if (id % 50 == 13) track.blocked_territories = {"US", "CA"};
    track.downloadable = IsDownloadable(id);
    if (auto r = store.PutTrack(track); !r.ok()) return r;
  }
  return twirp::Ok();
}

}  // namespace foundation::seed
