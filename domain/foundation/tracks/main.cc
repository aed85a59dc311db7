// foundation-tracks --listen 127.0.0.1:PORT --data-dir DIR [--seed] [--worker-threads N]
//
// The TrackMetadata foundation service over <data-dir>/tracks.db.
#include <memory>

#include "common/service_main.h"
#include "seed/seed.h"
#include "tracks/service.h"

int main(int argc, char* argv[]) {
  return foundation::RunService(
      "foundation-tracks", argc, argv,
      [](twirp::Server& server,
         const foundation::ServiceFlags& flags) -> twirp::Result<foundation::StoreCheck> {
        using foundation::tracks::TracksStore;
        auto store = TracksStore::Open(
            flags.data_dir + "/tracks.db",
            flags.seed ? TracksStore::Populate(foundation::seed::SeedTracks) : nullptr);
        if (!store.ok()) return std::move(store).error();
        TracksStore* const raw_store = store->get();
        // The service owns the store; the check keeps the service alive.
        auto service =
            std::make_shared<foundation::tracks::TrackMetadataService>(std::move(store).value());
        foundation::tracks::v1::RegisterTrackMetadata(server, service);
        return foundation::StoreCheck([service, raw_store] { return raw_store->Ping(); });
      });
}
