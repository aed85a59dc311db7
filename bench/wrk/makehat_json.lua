-- POST MakeHat(Size{inches: 14}) in JSON.
wrk.method = "POST"
wrk.path = "/twirp/twitch.twirp.example.Haberdasher/MakeHat"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inches":14}'
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
