// Partial responses: which fields of a response the caller will read.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include "twirpcpp/result.h"

namespace twirp {

// One path of a field mask, "tracks.artist.username". The generated
// <Message>Paths classes (NAME.fields.h) build them, so that a path that names no
// field does not compile:
//   GetTracksResponsePaths r;
//   *request.mutable_field_mask() = twirp::MakeFieldMask({r.tracks().title()});
struct FieldPath {
  std::string path;

  // The path of field `name` under this one; just `name` under the root ("").
  FieldPath Child(std::string_view name) const {
    return {path.empty() ? std::string(name) : path + "." + std::string(name)};
  }

  friend bool operator==(const FieldPath&, const FieldPath&) = default;
};

// A google.protobuf.FieldMask of `paths`, in the given order, for a request field.
// It is not validated here: the server validates it against its response type.
google::protobuf::FieldMask MakeFieldMask(std::initializer_list<FieldPath> paths);
google::protobuf::FieldMask MakeFieldMask(const std::vector<FieldPath>& paths);

// A validated google.protobuf.FieldMask over one message type, in canonical form,
// with the questions a handler asks of it and the trim a server applies to its
// response. Protobuf's FieldMaskUtil does the set algebra; this class adds what it
// leaves out:
//  - an empty or absent mask means the whole message (FieldMaskUtil has no such
//    notion: its Intersect of disjoint masks is an empty mask too);
//  - a path through a repeated message field applies to every element:
//    "tracks.title" keeps the title of each track. FieldMaskUtil refuses such
//    paths and its TrimMessage aborts on them. A map field is selected whole only;
//  - a bad path is a twirp::Error, not a bool.
// Paths use proto field names ("stats.likes_count"); the JSON form of a
// google.protobuf.FieldMask ("stats.likesCount") is converted by the codec.
//
// A FieldMask is a value: copy it, keep it, compare it; it never refers back to
// the request it came from.
class FieldMask {
 public:
  // The whole message, as an empty or absent mask means.
  FieldMask() = default;
  static FieldMask All() { return FieldMask(); }

  // Validates every path of `mask` against `type` and canonicalizes the mask
  // (sorted, paths covered by another path dropped). A path that names no field is
  // invalid_argument with meta argument=<argument_name> and a message that quotes
  // the path, e.g. `field_mask path "stats.bogus" names no field: ...`.
  static Result<FieldMask> Parse(const google::protobuf::FieldMask& mask,
                                 const google::protobuf::Descriptor* type,
                                 std::string_view argument_name);

  bool covers_all() const { return all_; }
  // True for the intersection of two disjoint masks. There is no wire form for
  // it: its proto() is empty, which a receiver reads as the whole message.
  bool selects_nothing() const { return !all_ && paths_.paths_size() == 0; }

  // "Do I need anything under `path`?", asked before an upstream call: true if the
  // path itself, an ancestor of it or a descendant of it is selected. With
  // "stats.likes_count" selected, Includes("stats") and
  // Includes("stats.likes_count") are true, Includes("stats.plays_count") false.
  bool Includes(std::string_view path) const;

  // Set algebra over masks of the same message type.
  FieldMask Union(const FieldMask& other) const;
  FieldMask Intersect(const FieldMask& other) const;

  // Clears every field of `message` the mask does not select. Does nothing when
  // the mask covers all; clears everything when it selects nothing.
  void Trim(google::protobuf::Message& message) const;

  // The canonical paths; empty when the mask covers all (or selects nothing).
  const google::protobuf::FieldMask& proto() const { return paths_; }

  // For logs: "artist.username,title"; "*" when the mask covers all, "" when it
  // selects nothing.
  std::string ToString() const;

  friend bool operator==(const FieldMask& a, const FieldMask& b);

 private:
  // Takes already valid, canonical paths.
  explicit FieldMask(google::protobuf::FieldMask canonical_paths);

  bool all_ = true;
  google::protobuf::FieldMask paths_;
};

}  // namespace twirp
