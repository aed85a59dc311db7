-- POST MakeHat(Size{inches: 14}) in protobuf: field 1, varint 14.
wrk.method = "POST"
wrk.path = "/twirp/twitch.twirp.example.Haberdasher/MakeHat"
wrk.headers["Content-Type"] = "application/protobuf"
wrk.body = "\x08\x0e"
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
