#include "codec/json_types.h"

#include <google/protobuf/util/type_resolver_util.h>

namespace twirp::internal {
namespace {

namespace pb = google::protobuf;

// The prefix json_util's own Message functions use.
constexpr std::string_view kTypeUrlPrefix = "type.googleapis.com";

}  // namespace

JsonTypes::JsonTypes(const pb::DescriptorPool* pool)
    : pool_(pool),
      pool_resolver_(pb::util::NewTypeResolverForDescriptorPool(std::string(kTypeUrlPrefix), pool)),
      current_(nullptr) {
  snapshots_.push_back(std::make_unique<const Snapshot>());
  current_.store(snapshots_.back().get(), std::memory_order_release);
}

JsonTypes::~JsonTypes() = default;

const std::string& JsonTypes::Prepare(const pb::Descriptor& type) {
  const Snapshot& snapshot = *current_.load(std::memory_order_acquire);
  if (auto it = snapshot.roots.find(&type); it != snapshot.roots.end()) return *it->second;
  return PrepareSlow(type);
}

const std::string& JsonTypes::PrepareSlow(const pb::Descriptor& type) {
  std::lock_guard lock(grow_mutex_);
  const Snapshot& current = *current_.load(std::memory_order_relaxed);
  // Another thread may have prepared it while this one waited for the lock.
  if (auto it = current.roots.find(&type); it != current.roots.end()) return *it->second;
  auto next = std::make_unique<Snapshot>(current);
  AddMessage(type, *next);
  const std::string& url = StoreUrl(type.full_name());
  next->roots.emplace(&type, &url);
  snapshots_.push_back(std::move(next));
  current_.store(snapshots_.back().get(), std::memory_order_release);
  return url;
}

const std::string& JsonTypes::StoreUrl(std::string_view full_name) {
  std::string& url = urls_.emplace_back(kTypeUrlPrefix);
  url += '/';
  url += full_name;
  return url;
}

void JsonTypes::AddMessage(const pb::Descriptor& type, Snapshot& next) {
  const std::string_view url = StoreUrl(type.full_name());
  if (next.messages.contains(url)) {
    urls_.pop_back();
    return;
  }
  pb::Type& resolved = types_.emplace_back();
  if (!pool_resolver_->ResolveMessageType(urls_.back(), &resolved).ok()) {
    // Not in the pool (a descriptor from elsewhere): left to the uncached path.
    types_.pop_back();
    urls_.pop_back();
    return;
  }
  next.messages.emplace(url, &resolved);
  for (int i = 0; i < type.field_count(); ++i) {
    const pb::FieldDescriptor& field = *type.field(i);
    if (field.message_type() != nullptr) AddMessage(*field.message_type(), next);
    if (field.enum_type() != nullptr) AddEnum(*field.enum_type(), next);
  }
}

void JsonTypes::AddEnum(const pb::EnumDescriptor& type, Snapshot& next) {
  const std::string_view url = StoreUrl(type.full_name());
  if (next.enums.contains(url)) {
    urls_.pop_back();
    return;
  }
  pb::Enum& resolved = enums_.emplace_back();
  if (!pool_resolver_->ResolveEnumType(urls_.back(), &resolved).ok()) {
    enums_.pop_back();
    urls_.pop_back();
    return;
  }
  next.enums.emplace(url, &resolved);
}

pb::util::Status JsonTypes::ResolveMessageType(const std::string& type_url, pb::Type* type) {
  const Snapshot& snapshot = *current_.load(std::memory_order_acquire);
  if (auto it = snapshot.messages.find(type_url); it != snapshot.messages.end()) {
    *type = *it->second;
    return pb::util::OkStatus();
  }
  return pool_resolver_->ResolveMessageType(type_url, type);
}

pb::util::Status JsonTypes::ResolveEnumType(const std::string& type_url, pb::Enum* enum_type) {
  const Snapshot& snapshot = *current_.load(std::memory_order_acquire);
  if (auto it = snapshot.enums.find(type_url); it != snapshot.enums.end()) {
    *enum_type = *it->second;
    return pb::util::OkStatus();
  }
  return pool_resolver_->ResolveEnumType(type_url, enum_type);
}

}  // namespace twirp::internal
