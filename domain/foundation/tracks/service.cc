#include "tracks/service.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/validate.h"

namespace foundation::tracks {

namespace {

// Page tokens are opaque to callers; inside they are the last track's
// position (created_at_s, id). The prefix versions the format.
constexpr std::string_view kPageTokenPrefix = "a1.";

std::string EncodePageToken(const TrackCursor& cursor) {
  return std::string(kPageTokenPrefix) + std::to_string(cursor.created_at_s) + "." +
         std::to_string(cursor.id);
}

std::optional<TrackCursor> DecodePageToken(std::string_view token) {
  if (!token.starts_with(kPageTokenPrefix)) return std::nullopt;
  token.remove_prefix(kPageTokenPrefix.size());
  const std::size_t dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  TrackCursor cursor;
  auto parse = [](std::string_view text, std::int64_t& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
  };
  if (!parse(token.substr(0, dot), cursor.created_at_s) ||
      !parse(token.substr(dot + 1), cursor.id) || cursor.id < 1) {
    return std::nullopt;
  }
  return cursor;
}

// 128 random bits as hex: a share link nobody can guess.
std::string NewSecretToken() {
  std::random_device random;
  std::string token;
  token.reserve(32);
  constexpr std::string_view kHex = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    std::uint32_t word = random();
    for (int j = 0; j < 8; ++j, word >>= 4) token += kHex[word & 0xF];
  }
  return token;
}

std::optional<twirp::Error> CheckText(std::string_view field, std::string_view value,
                                      std::size_t max_bytes, bool required) {
  if (required && value.empty()) return twirp::RequiredArgumentError(std::string(field));
  if (value.size() > max_bytes) {
    return twirp::InvalidArgumentError(std::string(field),
                                       "is longer than " + std::to_string(max_bytes) + " bytes");
  }
  return std::nullopt;
}

std::optional<twirp::Error> CheckTerritories(
    const google::protobuf::RepeatedPtrField<std::string>& codes) {
  if (static_cast<std::size_t>(codes.size()) > kMaxBlockedTerritories) {
    return twirp::InvalidArgumentError(
        "blocked_territories",
        "has more than " + std::to_string(kMaxBlockedTerritories) + " codes");
  }
  for (const auto& code : codes) {
    const bool alpha2 =
        code.size() == 2 && std::ranges::all_of(code, [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!alpha2) {
      return twirp::InvalidArgumentError("blocked_territories",
                                         "must hold ISO 3166-1 alpha-2 codes in upper case");
    }
  }
  return std::nullopt;
}

std::optional<twirp::Error> CheckVisibility(v1::Visibility visibility) {
  if (visibility != v1::VISIBILITY_PUBLIC && visibility != v1::VISIBILITY_PRIVATE)
    return twirp::InvalidArgumentError("visibility", "must be PUBLIC or PRIVATE");
  return std::nullopt;
}

std::optional<twirp::Error> CheckDuration(std::int32_t duration_ms) {
  if (duration_ms <= 0) return twirp::InvalidArgumentError("duration_ms", "must be above 0");
  return std::nullopt;
}

// The checks of the editable fields that `fields` names, in one place for
// CreateTrack (all of them) and UpdateTrack (the mask's).
std::optional<twirp::Error> CheckEditable(const v1::Track& track, unsigned fields) {
  std::optional<twirp::Error> error;
  if ((fields & kTitle) != 0 && !error)
    error = CheckText("title", track.title(), kMaxTitleBytes, true);
  if ((fields & kDurationMs) != 0 && !error) error = CheckDuration(track.duration_ms());
  if ((fields & kArtworkUrl) != 0 && !error)
    error = CheckText("artwork_url", track.artwork_url(), kMaxArtworkUrlBytes, false);
  if ((fields & kGenre) != 0 && !error)
    error = CheckText("genre", track.genre(), kMaxGenreBytes, false);
  if ((fields & kVisibility) != 0 && !error) error = CheckVisibility(track.visibility());
  if ((fields & kBlockedTerritories) != 0 && !error)
    error = CheckTerritories(track.blocked_territories());
  return error;
}

constexpr unsigned kAllEditable =
    kTitle | kDurationMs | kArtworkUrl | kGenre | kVisibility | kBlockedTerritories | kDownloadable;

// The TrackField bit of an update_mask path, 0 for a path that is no editable field.
unsigned EditableField(std::string_view path) {
  static constexpr std::pair<std::string_view, TrackField> kPaths[] = {
      {"title", kTitle},
      {"duration_ms", kDurationMs},
      {"artwork_url", kArtworkUrl},
      {"genre", kGenre},
      {"visibility", kVisibility},
      {"blocked_territories", kBlockedTerritories},
      {"downloadable", kDownloadable},
  };
  for (const auto& [name, field] : kPaths) {
    if (name == path) return field;
  }
  return 0;
}

TrackRecord FromProto(const v1::Track& track) {
  TrackRecord record;
  record.title = track.title();
  record.artist_user_id = track.artist_user_id();
  record.duration_ms = track.duration_ms();
  record.artwork_url = track.artwork_url();
  record.genre = track.genre();
  record.is_private = track.visibility() == v1::VISIBILITY_PRIVATE;
  record.blocked_territories.assign(track.blocked_territories().begin(),
                                    track.blocked_territories().end());
  record.downloadable = track.downloadable();
  return record;
}

}  // namespace

void ToProto(const TrackRecord& record, v1::Track& track) {
  track.set_id(record.id);
  track.set_title(record.title);
  track.set_artist_user_id(record.artist_user_id);
  track.set_duration_ms(record.duration_ms);
  track.set_artwork_url(record.artwork_url);
  track.set_genre(record.genre);
  track.mutable_created_at()->set_seconds(record.created_at_s);
  track.set_visibility(record.is_private ? v1::VISIBILITY_PRIVATE : v1::VISIBILITY_PUBLIC);
  track.set_secret_token(record.secret_token);
  for (const auto& code : record.blocked_territories) track.add_blocked_territories(code);
  track.set_downloadable(record.downloadable);
  track.set_version(record.version);
}

twirp::Result<v1::GetTracksResponse> TrackMetadataService::GetTracks(
    twirp::Context&, const v1::GetTracksRequest& request) {
  const std::span<const std::int64_t> ids(request.track_ids().data(),
                                          static_cast<std::size_t>(request.track_ids().size()));
  if (auto error = CheckIds("track_ids", ids)) return *error;
  auto records = store_->GetTracks(ids);
  if (!records.ok()) return std::move(records).error();
  v1::GetTracksResponse response;
  response.mutable_tracks()->Reserve(static_cast<int>(records->size()));
  for (const auto& record : *records) ToProto(record, *response.add_tracks());
  return response;
}

twirp::Result<v1::CreateTrackResponse> TrackMetadataService::CreateTrack(
    twirp::Context&, const v1::CreateTrackRequest& request) {
  if (auto error = CheckId("artist_user_id", request.artist_user_id())) return *error;
  v1::Track fields;
  fields.set_title(request.title());
  fields.set_artist_user_id(request.artist_user_id());
  fields.set_duration_ms(request.duration_ms());
  fields.set_artwork_url(request.artwork_url());
  fields.set_genre(request.genre());
  fields.set_visibility(request.visibility());
  *fields.mutable_blocked_territories() = request.blocked_territories();
  fields.set_downloadable(request.downloadable());
  if (auto error = CheckEditable(fields, kAllEditable)) return *error;
  TrackRecord record = FromProto(fields);
  if (record.is_private) record.secret_token = NewSecretToken();
  auto created = store_->CreateTrack(std::move(record));
  if (!created.ok()) return std::move(created).error();
  v1::CreateTrackResponse response;
  ToProto(*created, *response.mutable_track());
  return response;
}

twirp::Result<v1::UpdateTrackResponse> TrackMetadataService::UpdateTrack(
    twirp::Context&, const v1::UpdateTrackRequest& request) {
  if (auto error = CheckId("track_id", request.track_id())) return *error;
  if (auto error = CheckId("expected_version", request.expected_version())) return *error;
  if (request.update_mask().paths().empty()) return twirp::RequiredArgumentError("update_mask");
  unsigned fields = 0;
  for (const auto& path : request.update_mask().paths()) {
    const unsigned field = EditableField(path);
    if (field == 0) {
      return twirp::InvalidArgumentError("update_mask", "'" + path + "' is not an editable field");
    }
    fields |= field;
  }
  if (auto error = CheckEditable(request.track(), fields)) return *error;
  // Generated whether or not the store needs it: the store alone knows, inside
  // its transaction, whether the track already has a secret.
  const std::string secret = (fields & kVisibility) != 0 ? NewSecretToken() : std::string();
  auto updated = store_->UpdateTrack(request.track_id(), request.expected_version(),
                                     FromProto(request.track()), fields, secret);
  if (!updated.ok()) return std::move(updated).error();
  v1::UpdateTrackResponse response;
  ToProto(*updated, *response.mutable_track());
  return response;
}

twirp::Result<v1::DeleteTrackResponse> TrackMetadataService::DeleteTrack(
    twirp::Context&, const v1::DeleteTrackRequest& request) {
  if (auto error = CheckId("track_id", request.track_id())) return *error;
  auto deleted = store_->DeleteTrack(request.track_id());
  if (!deleted.ok()) return std::move(deleted).error();
  v1::DeleteTrackResponse response;
  response.set_deleted(*deleted);
  return response;
}

twirp::Result<v1::ListTracksByArtistResponse> TrackMetadataService::ListTracksByArtist(
    twirp::Context&, const v1::ListTracksByArtistRequest& request) {
  if (auto error = CheckId("artist_user_id", request.artist_user_id())) return *error;
  std::optional<TrackCursor> cursor;
  if (!request.page_token().empty()) {
    cursor = DecodePageToken(request.page_token());
    if (!cursor)
      return twirp::InvalidArgumentError("page_token", "is not a token from this service");
  }
  auto page = store_->ListByArtist(request.artist_user_id(), PageSize(request.page_size()), cursor);
  if (!page.ok()) return std::move(page).error();
  v1::ListTracksByArtistResponse response;
  response.mutable_tracks()->Reserve(static_cast<int>(page->tracks.size()));
  for (const auto& record : page->tracks) ToProto(record, *response.add_tracks());
  if (page->next_cursor) response.set_next_page_token(EncodePageToken(*page->next_cursor));
  return response;
}

}  // namespace foundation::tracks
