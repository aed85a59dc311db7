#include "codec/protojson_compat.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <nlohmann/json.hpp>

#include "codec/go_text.h"

namespace twirp::internal {
namespace {

namespace pb = google::protobuf;
using OrderedJson = nlohmann::ordered_json;

// Types with their own JSON form (a string, a number, any value...): their
// contents are json_util's business and are neither fixed nor checked here.
bool HasSpecialJson(const pb::Descriptor* type) {
  switch (type->well_known_type()) {
    case pb::Descriptor::WELLKNOWNTYPE_UNSPECIFIED: return false;
    default:
      return true;  // wrappers, Any, FieldMask, Duration, Timestamp, Value, ListValue, Struct
  }
}

// Well-known types protojson reads only from a JSON string or number.
bool HasScalarJson(const pb::Descriptor* type) {
  switch (type->well_known_type()) {
    case pb::Descriptor::WELLKNOWNTYPE_ANY:
    case pb::Descriptor::WELLKNOWNTYPE_VALUE:
    case pb::Descriptor::WELLKNOWNTYPE_LISTVALUE:
    case pb::Descriptor::WELLKNOWNTYPE_STRUCT:
    case pb::Descriptor::WELLKNOWNTYPE_UNSPECIFIED: return false;
    default: return true;  // wrappers, Timestamp, Duration, FieldMask
  }
}

bool IsMessage(const pb::FieldDescriptor* field) {
  return field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
}

// A message type whose JSON is an object of its fields.
bool IsPlainMessage(const pb::FieldDescriptor* field) {
  return IsMessage(field) && !HasSpecialJson(field->message_type());
}

// null is a value (not "unset") for google.protobuf.Value and NullValue (§3.9).
bool AcceptsNull(const pb::FieldDescriptor* field) {
  if (IsMessage(field)) return field->message_type()->full_name() == "google.protobuf.Value";
  return field->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM &&
         field->enum_type()->full_name() == "google.protobuf.NullValue";
}

// ---- output ---------------------------------------------------------------

// One walk over the message answers both questions of JsonOutputPlan; it
// stops once both are answered yes.
class OutputPlanner {
 public:
  explicit OutputPlanner(bool emit_unpopulated) : emit_unpopulated_(emit_unpopulated) {}

  JsonOutputPlan Plan(const pb::Message& message) {
    // A well-known type at the top is left to json_util as it always was.
    if (HasSpecialJson(message.GetDescriptor())) {
      plan_.print_unpopulated = emit_unpopulated_;
      return plan_;
    }
    VisitMessage(message, 0);
    return plan_;
  }

 private:
  bool Done() const { return plan_.fix_to_go && (plan_.print_unpopulated || !emit_unpopulated_); }
  void FillsIn() { plan_.print_unpopulated = emit_unpopulated_; }

  void VisitMessage(const pb::Message& message, int depth) {
    // Deeper than json_util itself goes: not corrected, and json_util's own
    // writer decides what it fills in.
    if (depth > 100) return FillsIn();
    const pb::Descriptor* type = message.GetDescriptor();
    if (HasSpecialJson(type)) {
      // Written in their own form, with nothing to fill in or correct; an
      // Any's contents are a message json_util fills in like any other.
      if (type->well_known_type() == pb::Descriptor::WELLKNOWNTYPE_ANY) FillsIn();
      return;
    }
    const pb::Reflection* reflection = message.GetReflection();
    int previous_number = 0;
    for (int i = 0; i < type->field_count() && !Done(); ++i) {
      const pb::FieldDescriptor* field = type->field(i);
      // Filling in writes fields in declaration order, which protojson also
      // uses; without it json_util writes them in number order.
      if (field->number() < previous_number) FillsIn();
      previous_number = field->number();
      VisitField(message, *reflection, field, depth);
    }
  }

  void VisitField(const pb::Message& message, const pb::Reflection& reflection,
                  const pb::FieldDescriptor* field, int depth) {
    if (field->is_repeated()) {
      const int size = reflection.FieldSize(message, field);
      if (size == 0) FillsIn();                                 // written as [] or {}
      if (field->is_map() && size > 1) plan_.fix_to_go = true;  // keys to sort
      const pb::FieldDescriptor* element =
          field->is_map() ? field->message_type()->map_value() : field;
      if (!IsMessage(element)) return;
      for (int i = 0; i < size && !Done(); ++i) {
        const pb::Message& item = reflection.GetRepeatedMessage(message, field, i);
        VisitMessage(field->is_map() ? item.GetReflection()->GetMessage(item, element) : item,
                     depth + 1);
      }
      return;
    }
    if (reflection.HasField(message, field)) {
      if (IsMessage(field)) VisitMessage(reflection.GetMessage(message, field), depth + 1);
      return;
    }
    // Unset oneof members and proto3 optional fields are left out either way.
    if (field->containing_oneof() != nullptr) return;
    FillsIn();
    // protojson writes null where json_util writes nothing (message) or the
    // default (proto2 scalar).
    if (emit_unpopulated_ && (IsMessage(field) || field->has_presence())) plan_.fix_to_go = true;
  }

  const bool emit_unpopulated_;
  JsonOutputPlan plan_;
};

// The JSON object key json_util writes for a map key.
std::string MapKeyString(const pb::Message& entry, const pb::FieldDescriptor* key) {
  const pb::Reflection* r = entry.GetReflection();
  switch (key->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING: return r->GetString(entry, key);
    case pb::FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(entry, key) ? "true" : "false";
    case pb::FieldDescriptor::CPPTYPE_INT32: return std::to_string(r->GetInt32(entry, key));
    case pb::FieldDescriptor::CPPTYPE_INT64: return std::to_string(r->GetInt64(entry, key));
    case pb::FieldDescriptor::CPPTYPE_UINT32: return std::to_string(r->GetUInt32(entry, key));
    case pb::FieldDescriptor::CPPTYPE_UINT64: return std::to_string(r->GetUInt64(entry, key));
    default: return {};
  }
}

// protojson's map key order: false before true, integers numerically, strings
// byte-wise.
struct MapKeyLess {
  pb::FieldDescriptor::CppType type;
  bool operator()(const std::pair<std::string, const pb::Message*>& a,
                  const std::pair<std::string, const pb::Message*>& b) const {
    switch (type) {
      case pb::FieldDescriptor::CPPTYPE_INT32:
      case pb::FieldDescriptor::CPPTYPE_INT64:
        return std::strtoll(a.first.c_str(), nullptr, 10) <
               std::strtoll(b.first.c_str(), nullptr, 10);
      case pb::FieldDescriptor::CPPTYPE_UINT32:
      case pb::FieldDescriptor::CPPTYPE_UINT64:
        return std::strtoull(a.first.c_str(), nullptr, 10) <
               std::strtoull(b.first.c_str(), nullptr, 10);
      case pb::FieldDescriptor::CPPTYPE_BOOL: return a.first == "false" && b.first == "true";
      default: return a.first < b.first;
    }
  }
};

OrderedJson FixMessage(const pb::Message& message, OrderedJson& in,
                       const JsonWriteOptions& options);

OrderedJson FixValue(const pb::Message& message, OrderedJson& in, const JsonWriteOptions& options) {
  if (!in.is_object() || HasSpecialJson(message.GetDescriptor())) return std::move(in);
  return FixMessage(message, in, options);
}

// Each Fix*Field returns what protojson writes for `field` of `message`, given
// what json_util wrote for it (`printed`, null where it wrote nothing, reused
// where it can be); nullopt leaves the field out.

// Entries in protojson's key order, values corrected like messages elsewhere.
std::optional<OrderedJson> FixMapField(const pb::Message& message, const pb::FieldDescriptor* field,
                                       OrderedJson* printed, const JsonWriteOptions& options) {
  if (printed == nullptr) {
    if (options.emit_unpopulated) return OrderedJson::object();
    return std::nullopt;
  }
  const pb::Reflection* reflection = message.GetReflection();
  const pb::FieldDescriptor* key_field = field->message_type()->map_key();
  const pb::FieldDescriptor* value_field = field->message_type()->map_value();
  std::vector<std::pair<std::string, const pb::Message*>> entries;
  for (int j = 0, n = reflection->FieldSize(message, field); j < n; ++j) {
    const pb::Message& entry = reflection->GetRepeatedMessage(message, field, j);
    entries.emplace_back(MapKeyString(entry, key_field), &entry);
  }
  std::sort(entries.begin(), entries.end(), MapKeyLess{key_field->cpp_type()});
  OrderedJson map = OrderedJson::object();
  for (const auto& [map_key, entry] : entries) {
    const auto value = printed->find(map_key);
    if (value == printed->end()) continue;
    if (IsPlainMessage(value_field)) {
      map[map_key] =
          FixValue(entry->GetReflection()->GetMessage(*entry, value_field), *value, options);
    } else {
      map[map_key] = std::move(*value);
    }
  }
  return map;
}

// [] when unpopulated; message elements corrected one by one.
std::optional<OrderedJson> FixRepeatedField(const pb::Message& message,
                                            const pb::FieldDescriptor* field, OrderedJson* printed,
                                            const JsonWriteOptions& options) {
  if (printed == nullptr) {
    if (options.emit_unpopulated) return OrderedJson::array();
    return std::nullopt;
  }
  const pb::Reflection* reflection = message.GetReflection();
  if (IsPlainMessage(field) && printed->is_array() &&
      printed->size() == static_cast<std::size_t>(reflection->FieldSize(message, field))) {
    for (std::size_t j = 0; j < printed->size(); ++j) {
      (*printed)[j] = FixValue(reflection->GetRepeatedMessage(message, field, static_cast<int>(j)),
                               (*printed)[j], options);
    }
  }
  return std::move(*printed);
}

// null for an unset field with presence; a set message corrected.
std::optional<OrderedJson> FixSingularField(const pb::Message& message,
                                            const pb::FieldDescriptor* field, OrderedJson* printed,
                                            const JsonWriteOptions& options) {
  const pb::Reflection* reflection = message.GetReflection();
  const bool set = reflection->HasField(message, field);
  // An unset oneof member or proto3 optional is never written (§3.3).
  if (!set && field->containing_oneof() != nullptr) return std::nullopt;
  if (!set && (IsMessage(field) || field->has_presence())) {
    if (options.emit_unpopulated) return OrderedJson(nullptr);  // §3.2
    return std::nullopt;
  }
  if (printed == nullptr) return std::nullopt;
  if (IsPlainMessage(field)) {
    return FixValue(reflection->GetMessage(message, field), *printed, options);
  }
  return std::move(*printed);
}

OrderedJson FixMessage(const pb::Message& message, OrderedJson& in,
                       const JsonWriteOptions& options) {
  const pb::Descriptor* type = message.GetDescriptor();
  OrderedJson out = OrderedJson::object();
  for (int i = 0; i < type->field_count(); ++i) {
    const pb::FieldDescriptor* field = type->field(i);
    const std::string& key = options.use_proto_names ? field->name() : field->json_name();
    const auto found = in.find(key);
    OrderedJson* printed = found == in.end() ? nullptr : &*found;
    std::optional<OrderedJson> fixed;
    if (field->is_map()) {
      fixed = FixMapField(message, field, printed, options);
    } else if (field->is_repeated()) {
      fixed = FixRepeatedField(message, field, printed, options);
    } else {
      fixed = FixSingularField(message, field, printed, options);
    }
    if (fixed) out[key] = std::move(*fixed);
  }
  return out;
}

// ---- input ----------------------------------------------------------------

const pb::FieldDescriptor* FindField(const pb::Descriptor& type, const std::string& key) {
  // protojson looks a key up as a JSON name first, then as the proto name (§3.8).
  if (const pb::FieldDescriptor* f = type.FindFieldByCamelcaseName(key); f && f->json_name() == key)
    return f;
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->has_json_name() && type.field(i)->json_name() == key) return type.field(i);
  }
  return type.FindFieldByName(key);
}

class InputChecker {
 public:
  explicit InputChecker(std::string_view body) : cursor_(body) {}

  Result<std::size_t> Run(const pb::Descriptor& type) {
    if (cursor_.Peek() != '{') return Fail("the request body is not a JSON object");
    if (!Object(type, 0)) return Fail(error_.empty() ? "invalid JSON" : error_);
    return cursor_.position();
  }

 private:
  static Error Fail(std::string reason) { return MalformedError(std::move(reason)); }

  bool Reject(std::string reason) {
    error_ = std::move(reason);
    return false;
  }

  bool Object(const pb::Descriptor& type, int depth) {
    if (depth > JsonCursor::kMaxDepth) return Reject("JSON nested too deeply");
    if (!cursor_.Consume('{')) return false;
    if (cursor_.Consume('}')) return true;
    std::set<int> seen;
    do {
      std::optional<std::string> key = cursor_.Peek() == '"' ? cursor_.ReadString() : std::nullopt;
      if (!key || !cursor_.Consume(':')) return false;
      const pb::FieldDescriptor* field = FindField(type, *key);
      if (field == nullptr) {
        if (!cursor_.SkipValue(depth + 1)) return false;  // unknown: discarded (§3.7)
        continue;
      }
      if (!seen.insert(field->number()).second) return Reject("duplicate field \"" + *key + "\"");
      if (!FieldValue(field, depth + 1)) return false;
    } while (cursor_.Consume(','));
    return cursor_.Consume('}');
  }

  bool FieldValue(const pb::FieldDescriptor* field, int depth) {
    if (cursor_.Peek() == 'n') return cursor_.ConsumeLiteral("null");  // unset (§3.9)
    if (field->is_map()) return Map(field, depth);
    if (field->is_repeated()) {
      if (cursor_.Peek() != '[') return Reject("field " + field->name() + " expects a JSON array");
      cursor_.Consume('[');
      if (cursor_.Consume(']')) return true;
      do {
        if (!Element(field, depth + 1)) return false;
      } while (cursor_.Consume(','));
      return cursor_.Consume(']');
    }
    return Element(field, depth);
  }

  // A singular value, a list element or a map value of `field`'s type.
  bool Element(const pb::FieldDescriptor* field, int depth) {
    const char next = cursor_.Peek();
    if (next == 'n' && !AcceptsNull(field)) return Reject("unexpected null for " + field->name());
    if (next == '"' && field->cpp_type() == pb::FieldDescriptor::CPPTYPE_BOOL) {
      return Reject("field " + field->name() + " expects true or false");  // §3.10
    }
    if (next == '{' && IsPlainMessage(field)) return Object(*field->message_type(), depth);
    if (next == '{' && IsMessage(field) && HasScalarJson(field->message_type())) {
      // json_util also takes {"value":..} for a wrapper and {} for a Timestamp.
      return Reject("field " + field->name() + " expects a JSON string or number");
    }
    return cursor_.SkipValue(depth);
  }

  bool Map(const pb::FieldDescriptor* field, int depth) {
    if (cursor_.Peek() != '{') return Reject("field " + field->name() + " expects a JSON object");
    cursor_.Consume('{');
    if (cursor_.Consume('}')) return true;
    const pb::FieldDescriptor* key_field = field->message_type()->map_key();
    const pb::FieldDescriptor* value_field = field->message_type()->map_value();
    std::set<std::string> seen;
    do {
      std::optional<std::string> key = cursor_.Peek() == '"' ? cursor_.ReadString() : std::nullopt;
      if (!key || !cursor_.Consume(':')) return false;
      if (!seen.insert(CanonicalMapKey(key_field, *key)).second) {
        return Reject("duplicate map key \"" + *key + "\"");
      }
      if (!Element(value_field, depth + 1)) return false;
    } while (cursor_.Consume(','));
    return cursor_.Consume('}');
  }

  // Integer keys that name the same number ("1", "01", "+1") are one key to
  // protojson (strconv.ParseInt); anything unparsable is left to json_util.
  static std::string CanonicalMapKey(const pb::FieldDescriptor* key_field, const std::string& key) {
    switch (key_field->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32:
      case pb::FieldDescriptor::CPPTYPE_INT64:
      case pb::FieldDescriptor::CPPTYPE_UINT32:
      case pb::FieldDescriptor::CPPTYPE_UINT64: {
        const bool digits_only = !key.empty() &&
                                 key.find_first_not_of("+-0123456789") == std::string::npos &&
                                 key.find_first_of("+-", 1) == std::string::npos;
        if (!digits_only) return key;
        errno = 0;
        char* end = nullptr;
        const long long value = std::strtoll(key.c_str(), &end, 10);
        if (errno != 0 || *end != '\0') return key;
        return std::to_string(value);
      }
      default: return key;
    }
  }

  JsonCursor cursor_;
  std::string error_;
};

}  // namespace

JsonOutputPlan PlanJsonOutput(const pb::Message& message, const JsonWriteOptions& options) {
  return OutputPlanner(options.emit_unpopulated).Plan(message);
}

Result<std::string> FixToGoJson(const pb::Message& message, std::string_view cpp_json,
                                const JsonWriteOptions& options) {
  OrderedJson parsed = OrderedJson::parse(cpp_json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return InternalError("unexpected JSON from protobuf: " + std::string(cpp_json.substr(0, 200)));
  }
  // Like protojson, dump() writes < > & and non-ASCII as they are.
  return FixMessage(message, parsed, options)
      .dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

Result<std::size_t> CheckGoJsonInput(std::string_view body, const pb::Descriptor& type) {
  return InputChecker(body).Run(type);
}

}  // namespace twirp::internal
