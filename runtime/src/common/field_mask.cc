#include "twirpcpp/field_mask.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <google/protobuf/util/field_mask_util.h>

#include "common/request_field_mask.h"
#include "twirpcpp/error.h"

namespace twirp {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::util::FieldMaskUtil;

// Protobuf refuses to parse messages nested deeper than this; a path through a
// recursive message type gets the same bound, so that the recursive walks over a
// mask (FieldMaskUtil's canonical form, Trim's plan) stay shallow whatever a
// client sends.
constexpr int kMaxPathDepth = 100;

bool IsMessage(const FieldDescriptor* field) {
  return field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
}

// True if `ancestor` is `path` or a path above it ("stats" covers "stats.likes_count").
bool Covers(std::string_view ancestor, std::string_view path) {
  return path.starts_with(ancestor) &&
         (path.size() == ancestor.size() || path[ancestor.size()] == '.');
}

// Why `path` names no field of `type`, or nullopt when it does. Walks the path
// itself instead of asking FieldMaskUtil::GetFieldDescriptors, which stops at
// repeated fields (refusing "tracks.title") and skips empty segments (accepting
// "", ".title" and "stats..likes_count").
std::optional<std::string> PathError(const Descriptor* type, std::string_view path) {
  const FieldDescriptor* field = nullptr;
  int depth = 0;
  std::size_t pos = 0;
  while (true) {
    if (++depth > kMaxPathDepth) return "deeper than " + std::to_string(kMaxPathDepth) + " fields";
    if (field != nullptr) {
      if (field->is_map()) return "map field \"" + field->name() + "\" can only be selected whole";
      if (!IsMessage(field)) {
        return "\"" + field->name() + "\" is a " + field->type_name() + " field, not a message";
      }
      type = field->message_type();
    }
    std::size_t dot = path.find('.', pos);
    std::string_view name = path.substr(pos, dot == std::string_view::npos ? dot : dot - pos);
    if (name.empty()) return std::string("empty field name");
    field = type->FindFieldByName(std::string(name));
    if (field == nullptr) return type->full_name() + " has no field \"" + std::string(name) + "\"";
    if (dot == std::string_view::npos) return std::nullopt;
    pos = dot + 1;
  }
}

// What Trim does to one message type, resolved against its descriptor once per
// Trim call rather than per message. Not FieldMaskUtil::TrimMessage: it cannot
// descend into repeated fields (it aborts on "tracks.title"), and it rebuilds its
// path tree for every message it trims, which for 50 elements costs more than
// copying them (bench/field_mask_bench.cc).
// (std::pair<..., TrimPlan> inside TrimPlan would need TrimPlan complete, which
// libstdc++ checks under clang; a vector of a declared struct does not.)
struct Descent;
struct TrimPlan {
  // Fields not selected.
  std::vector<const FieldDescriptor*> clear;
  // Message fields selected in part; for a repeated one, in every element.
  std::vector<Descent> descend;
};
struct Descent {
  const FieldDescriptor* field;
  TrimPlan plan;
};

TrimPlan MakePlan(const Descriptor* type, const std::vector<std::string_view>& paths) {
  struct Selection {
    bool whole = false;
    std::vector<std::string_view> below;
  };
  std::map<std::string_view, Selection> by_field;
  for (std::string_view path : paths) {
    std::size_t dot = path.find('.');
    Selection& selection = by_field[path.substr(0, dot)];
    if (dot == std::string_view::npos) {
      selection.whole = true;
    } else {
      selection.below.push_back(path.substr(dot + 1));
    }
  }
  TrimPlan plan;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    auto it = by_field.find(field->name());
    if (it == by_field.end()) {
      plan.clear.push_back(field);
    } else if (!it->second.whole && IsMessage(field)) {
      plan.descend.push_back({field, MakePlan(field->message_type(), it->second.below)});
    }
  }
  return plan;
}

void ApplyPlan(const TrimPlan& plan, Message& message) {
  const Reflection* reflection = message.GetReflection();
  for (const FieldDescriptor* field : plan.clear) reflection->ClearField(&message, field);
  for (const auto& [field, below] : plan.descend) {
    if (field->is_repeated()) {
      for (int i = 0, n = reflection->FieldSize(message, field); i < n; ++i) {
        ApplyPlan(below, *reflection->MutableRepeatedMessage(&message, field, i));
      }
    } else if (reflection->HasField(message, field)) {
      ApplyPlan(below, *reflection->MutableMessage(&message, field));
    }
  }
}

template <class Paths>
google::protobuf::FieldMask MakeFieldMaskOf(const Paths& paths) {
  google::protobuf::FieldMask mask;
  mask.mutable_paths()->Reserve(static_cast<int>(paths.size()));
  for (const FieldPath& path : paths) mask.add_paths(path.path);
  return mask;
}

}  // namespace

google::protobuf::FieldMask MakeFieldMask(std::initializer_list<FieldPath> paths) {
  return MakeFieldMaskOf(paths);
}

google::protobuf::FieldMask MakeFieldMask(const std::vector<FieldPath>& paths) {
  return MakeFieldMaskOf(paths);
}

FieldMask::FieldMask(google::protobuf::FieldMask canonical_paths)
    : all_(false), paths_(std::move(canonical_paths)) {}

Result<FieldMask> FieldMask::Parse(const google::protobuf::FieldMask& mask, const Descriptor* type,
                                   std::string_view argument_name) {
  assert(type != nullptr);
  if (mask.paths_size() == 0) return All();
  for (const std::string& path : mask.paths()) {
    if (std::optional<std::string> why = PathError(type, path)) {
      return InvalidArgumentError(std::string(argument_name),
                                  "path \"" + path + "\" names no field: " + *why);
    }
  }
  google::protobuf::FieldMask canonical;
  FieldMaskUtil::ToCanonicalForm(mask, &canonical);
  return FieldMask(std::move(canonical));
}

bool FieldMask::Includes(std::string_view path) const {
  if (all_) return true;
  return std::ranges::any_of(paths_.paths(), [path](const std::string& selected) {
    return Covers(selected, path) || Covers(path, selected);
  });
}

FieldMask FieldMask::Union(const FieldMask& other) const {
  if (all_ || other.all_) return All();
  google::protobuf::FieldMask out;
  FieldMaskUtil::Union(paths_, other.paths_, &out);
  return FieldMask(std::move(out));
}

FieldMask FieldMask::Intersect(const FieldMask& other) const {
  if (all_) return other;
  if (other.all_) return *this;
  // An empty result here selects nothing: the constructor keeps it apart from All.
  google::protobuf::FieldMask out;
  FieldMaskUtil::Intersect(paths_, other.paths_, &out);
  return FieldMask(std::move(out));
}

void FieldMask::Trim(Message& message) const {
  if (all_) return;
  if (selects_nothing()) {
    message.Clear();
    return;
  }
  std::vector<std::string_view> paths(paths_.paths().begin(), paths_.paths().end());
  ApplyPlan(MakePlan(message.GetDescriptor(), paths), message);
}

std::string FieldMask::ToString() const { return all_ ? "*" : FieldMaskUtil::ToString(paths_); }

bool operator==(const FieldMask& a, const FieldMask& b) {
  if (a.all_ || b.all_) return a.all_ == b.all_;
  return std::equal(a.paths_.paths().begin(), a.paths_.paths().end(), b.paths_.paths().begin(),
                    b.paths_.paths().end());
}

namespace internal {

Result<FieldMask> RequestFieldMask(const Message& request, std::string_view field_name,
                                   const Descriptor* response_type) {
  const FieldDescriptor* field = request.GetDescriptor()->FindFieldByName(std::string(field_name));
  if (field == nullptr || field->is_repeated() || !IsMessage(field) ||
      field->message_type()->full_name() !=
          google::protobuf::FieldMask::descriptor()->full_name()) {
    return InternalError("field mask option names \"" + std::string(field_name) +
                         "\", which is not a google.protobuf.FieldMask field of " +
                         request.GetDescriptor()->full_name());
  }
  const Reflection* reflection = request.GetReflection();
  if (!reflection->HasField(request, field)) return FieldMask::All();
  const Message& value = reflection->GetMessage(request, field);
  if (const auto* mask = dynamic_cast<const google::protobuf::FieldMask*>(&value)) {
    return FieldMask::Parse(*mask, response_type, field_name);
  }
  // A dynamic message (another descriptor pool): same wire format.
  google::protobuf::FieldMask copy;
  if (!copy.ParseFromString(value.SerializeAsString())) {
    return InternalError("cannot read field mask \"" + std::string(field_name) + "\"");
  }
  return FieldMask::Parse(copy, response_type, field_name);
}

}  // namespace internal
}  // namespace twirp
