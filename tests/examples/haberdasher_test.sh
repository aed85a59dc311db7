#!/usr/bin/env bash
# The Haberdasher example as a user meets it: haberdasher-server on a free port,
# called by curl alone (JSON and protobuf) and by haberdasher-client, then
# stopped with SIGTERM.
#   haberdasher_test.sh SERVER_BINARY CLIENT_BINARY
set -euo pipefail
server_bin=$1
client_bin=$2

log=$(mktemp)
"$server_bin" --listen 127.0.0.1:0 >"$log" 2>&1 &
server=$!
trap 'kill -KILL $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q listening "$log" && break
  sleep 0.05
done
url=$(sed -n 's|^haberdasher-server listening on \(http://[^/]*\)/twirp$|\1|p' "$log")
[[ -n $url ]] || { echo "server did not start:"; cat "$log"; exit 1; }
route=$url/twirp/twitch.twirp.example.Haberdasher/MakeHat

fail() { echo "FAIL: $*"; exit 1; }
expect() {  # expect NAME ACTUAL EXPECTED
  [[ $2 == "$3" ]] || fail "$1: got [$2], want [$3]"
  echo "ok: $1"
}

# §2.3: a JSON MakeHat with curl; Go's default JSON (proto names, every field).
json=$(curl -sS --max-time 5 -X POST -H 'Content-Type: application/json' -d '{"inches": 12}' "$route")
expect "curl JSON MakeHat" "$json" '{"size":12,"color":"white","name":"top hat"}'

# §2.3: a protobuf MakeHat with curl: Size{inches: 12} is 08 0c; the Hat comes back
# as protobuf with Content-Type application/protobuf.
headers=$(mktemp)
proto=$(printf '\x08\x0c' | curl -sS --max-time 5 -D "$headers" -X POST \
  -H 'Content-Type: application/protobuf' --data-binary @- "$route" | od -An -tx1 | tr -d ' \n')
expect "curl protobuf MakeHat" "$proto" "080c120577686974651a07746f7020686174"
expect "protobuf Content-Type" "$(grep -i '^content-type:' "$headers" | tr -d '\r')" "Content-Type: application/protobuf"
rm -f "$headers"

# §4.1: inches <= 0 is invalid_argument 400 with meta argument=inches.
status=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -d '{"inches": 0}' "$route")
expect "invalid size status" "$status" 400

# The client binary: a hat as JSON, then the error with exit code 1.
out=$("$client_bin" --url "$url" --inches 7)
expect "client hat" "$out" '{"size":7,"color":"black","name":"top hat"}'
set +e
out=$("$client_bin" --url "$url" --inches -1 --json)
code=$?
set -e
expect "client error exit code" "$code" 1
expect "client error output" "$out" $'error code: invalid_argument\nerror msg: inches I can\'t make a hat that small!\nerror meta: argument=inches'

# SIGTERM: graceful shutdown, exit 0.
kill -TERM $server
for _ in $(seq 100); do kill -0 $server 2>/dev/null || break; sleep 0.05; done
wait $server
expect "exit status after SIGTERM" "$?" 0
trap 'rm -f "$log"' EXIT
echo "haberdasher example: all checks passed"
