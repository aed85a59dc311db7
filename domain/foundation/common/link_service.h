// The reads that the Likes and Reposts services answer alike over a LinkStore,
// written once for both services' generated messages (which have the same
// field names): paging by an id cursor and counting per UTC day.
#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <google/protobuf/timestamp.pb.h>

#include "common/link_store.h"
#include "common/validate.h"
#include "twirpcpp/error.h"
#include "twirpcpp/result.h"

namespace foundation::links {

// Page tokens are opaque to callers; inside they are the cursor of the last
// link returned. The prefix versions the format, so it can change.
inline constexpr std::string_view kPageTokenPrefix = "l1.";

inline std::string EncodePageToken(std::int64_t cursor) {
  return std::string(kPageTokenPrefix) + std::to_string(cursor);
}

// nullopt for an empty token (the first page), invalid_argument for a token
// this service did not issue.
inline twirp::Result<std::optional<std::int64_t>> DecodePageToken(std::string_view token) {
  if (token.empty()) return std::optional<std::int64_t>();
  std::int64_t cursor = 0;
  if (token.starts_with(kPageTokenPrefix)) {
    token.remove_prefix(kPageTokenPrefix.size());
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), cursor);
    if (ec == std::errc() && end == token.data() + token.size() && cursor >= 1)
      return std::optional<std::int64_t>(cursor);
  }
  return twirp::InvalidArgumentError("page_token", "is not a token from this service");
}

// The longest CountByDay range: a year and a day, so a leap year fits.
inline constexpr std::int64_t kMaxDays = 366;
inline constexpr std::int64_t kDayMs = 86'400'000;

// "2025-01-31" for a count of days since 1970-01-01 (UTC).
inline std::string IsoDate(std::int64_t day) {
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

// A track's links per day: request {track_id, since, until}, response {days
// {date, count}}. invalid_argument for a time before 1970 or after 9999, an
// until not after since, or more than kMaxDays between them.
template <class Response, class Request>
twirp::Result<Response> CountByDay(LinkStore& store, const Request& request) {
  if (auto error = CheckId("track_id", request.track_id())) return *error;
  constexpr std::int64_t kMaxSeconds = 253'402'300'799;  // 9999-12-31T23:59:59Z
  const std::pair<const char*, const google::protobuf::Timestamp*> bounds[] = {
      {"since", &request.since()}, {"until", &request.until()}};
  for (const auto& [field, t] : bounds) {
    if (t->seconds() < 0 || t->seconds() > kMaxSeconds || t->nanos() < 0 ||
        t->nanos() > 999'999'999) {
      return twirp::InvalidArgumentError(field, "is not a time from 1970 to 9999");
    }
  }
  auto ms = [](const google::protobuf::Timestamp& t) {
    return t.seconds() * 1000 + t.nanos() / 1'000'000;
  };
  const std::int64_t since_ms = ms(request.since());
  const std::int64_t until_ms = ms(request.until());
  if (until_ms <= since_ms) return twirp::InvalidArgumentError("until", "must be after since");
  if (until_ms - since_ms > kMaxDays * kDayMs) {
    return twirp::InvalidArgumentError(
        "until", "is more than " + std::to_string(kMaxDays) + " days after since");
  }
  auto days = store.CountByDay(request.track_id(), since_ms, until_ms);
  if (!days.ok()) return std::move(days).error();
  Response response;
  for (const auto& day : *days) {
    auto& out = *response.add_days();
    out.set_date(IsoDate(day.day));
    out.set_count(day.count);
  }
  return response;
}

// A track's users, newest link first: request {track_id, page_size,
// page_token}, response {user_ids, next_page_token}.
template <class Response, class Request>
twirp::Result<Response> ListByTrack(LinkStore& store, const Request& request) {
  if (auto error = CheckId("track_id", request.track_id())) return *error;
  auto cursor = DecodePageToken(request.page_token());
  if (!cursor.ok()) return std::move(cursor).error();
  auto page = store.ListByTrack(request.track_id(), PageSize(request.page_size()), *cursor);
  if (!page.ok()) return std::move(page).error();
  Response response;
  response.mutable_user_ids()->Add(page->user_ids.begin(), page->user_ids.end());
  if (page->next_cursor) response.set_next_page_token(EncodePageToken(*page->next_cursor));
  return response;
}

// A user's tracks, newest link first: request {user_id, page_size,
// page_token}, response {track_ids, next_page_token}.
template <class Response, class Request>
twirp::Result<Response> ListByUser(LinkStore& store, const Request& request) {
  if (auto error = CheckId("user_id", request.user_id())) return *error;
  auto cursor = DecodePageToken(request.page_token());
  if (!cursor.ok()) return std::move(cursor).error();
  auto page = store.ListByUser(request.user_id(), PageSize(request.page_size()), *cursor);
  if (!page.ok()) return std::move(page).error();
  Response response;
  response.mutable_track_ids()->Add(page->track_ids.begin(), page->track_ids.end());
  if (page->next_cursor) response.set_next_page_token(EncodePageToken(*page->next_cursor));
  return response;
}

}  // namespace foundation::links
