// The type information protobuf's JSON conversion (json_util) asks for, worked
// out once per message type instead of on every call. Private to the runtime.
//
// json_util's MessageToJsonString and JsonStringToMessage resolve the message's
// type through a TypeResolver on every call, and the resolver that protobuf
// hands them builds a google.protobuf.Type from the descriptor each time: for a
// three-field message that is about a fifth of the JSON conversion's cost.
// JsonTypes keeps the built Type (and Enum) of every type reachable from the
// messages it has been prepared for, and hands out copies of those.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/type.pb.h>
#include <google/protobuf/util/type_resolver.h>

namespace twirp::internal {

class JsonTypes final : public google::protobuf::util::TypeResolver {
 public:
  // Types are looked up in `pool` (the generated pool: where generated messages live).
  explicit JsonTypes(const google::protobuf::DescriptorPool* pool =
                         google::protobuf::DescriptorPool::generated_pool());
  ~JsonTypes() override;

  // Where the types come from: a message of another pool (a DynamicMessage
  // over a pool of its own) is not for this cache.
  const google::protobuf::DescriptorPool* pool() const { return pool_; }
  JsonTypes(const JsonTypes&) = delete;
  JsonTypes& operator=(const JsonTypes&) = delete;

  // Makes `type` and every message and enum type reachable from its fields
  // resolvable from the cache, and returns `type`'s type URL as json_util
  // wants it. Cheap once `type` has been prepared: one lookup, no lock. The
  // first call for a type takes a lock and builds its types; a server prepares
  // its methods' types before it starts, so requests never do.
  const std::string& Prepare(const google::protobuf::Descriptor& type);

  // TypeResolver: a copy of the cached type. A type not prepared (the contents
  // of a google.protobuf.Any, say) is resolved from the pool, uncached.
  google::protobuf::util::Status ResolveMessageType(const std::string& type_url,
                                                    google::protobuf::Type* type) override;
  google::protobuf::util::Status ResolveEnumType(const std::string& type_url,
                                                 google::protobuf::Enum* enum_type) override;

 private:
  // What readers see: immutable once published. Growing the cache publishes a
  // new snapshot; old ones stay alive (a reader may still hold one) until the
  // JsonTypes goes. There is one per distinct prepared root type at most, and
  // a server publishes one.
  struct Snapshot {
    std::unordered_map<const google::protobuf::Descriptor*, const std::string*> roots;
    // Keyed by type URL; the keys point into urls_.
    std::unordered_map<std::string_view, const google::protobuf::Type*> messages;
    std::unordered_map<std::string_view, const google::protobuf::Enum*> enums;
  };

  const std::string& PrepareSlow(const google::protobuf::Descriptor& type);
  void AddMessage(const google::protobuf::Descriptor& type, Snapshot& next);
  void AddEnum(const google::protobuf::EnumDescriptor& type, Snapshot& next);
  const std::string& StoreUrl(std::string_view full_name);

  const google::protobuf::DescriptorPool* pool_;
  std::unique_ptr<google::protobuf::util::TypeResolver> pool_resolver_;
  std::atomic<const Snapshot*> current_;

  std::mutex grow_mutex_;         // held only while adding types
  std::deque<std::string> urls_;  // stable addresses for the snapshots
  std::deque<google::protobuf::Type> types_;
  std::deque<google::protobuf::Enum> enums_;
  std::vector<std::unique_ptr<const Snapshot>> snapshots_;
};

}  // namespace twirp::internal
