#!/usr/bin/env bash
# Prepares the TypeScript Twirp peers in OUT_DIR (a build directory):
#   1. npm ci of package-lock.json into OUT_DIR/node_modules, skipped when the
#      installed tree was made from the same lock file;
#   2. protoc 3.21 with protoc-gen-ts (@protobuf-ts/plugin) and protoc-gen-twirp_ts
#      (twirp-ts) over the interop protos, then tsc, into OUT_DIR/dist; skipped
#      when no input changed.
#   setup.sh OUT_DIR PROTOC
# Run by ctest as the fixture interop_node_setup; nothing it writes is committed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: setup.sh OUT_DIR PROTOC}
protoc=${2:?usage: setup.sh OUT_DIR PROTOC}
mkdir -p "$out"

lock_stamp=$out/node_modules/.twirpcpp-lock
if ! cmp -s "$here/package-lock.json" "$lock_stamp"; then
  cp "$here/package.json" "$here/package-lock.json" "$out/"
  (cd "$out" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$lock_stamp"
else
  echo "setup.sh: node_modules up to date"
fi

protos=(
  "$root/examples/haberdasher:haberdasher.proto"
  "$root/tests/interop/proto:twirpcpp/interop/v1/interop.proto"
)
inputs=("$lock_stamp" "$here/tsconfig.json" "$here"/src/*.ts "$protoc")
for p in "${protos[@]}"; do inputs+=("${p%%:*}/${p#*:}"); done
hash=$(cat "${inputs[@]}" | sha256sum)
build_stamp=$out/dist/.twirpcpp-inputs
if [[ -f $build_stamp && $(cat "$build_stamp") == "$hash" ]]; then
  echo "setup.sh: generated code up to date"
  exit 0
fi

rm -rf "$out/src" "$out/dist"
mkdir -p "$out/src/gen"
cp "$here"/src/*.ts "$out/src/"
cp "$here/tsconfig.json" "$out/"
for p in "${protos[@]}"; do
  "$protoc" -I "${p%%:*}" \
    --plugin=protoc-gen-ts="$out/node_modules/.bin/protoc-gen-ts" \
    --plugin=protoc-gen-twirp_ts="$out/node_modules/.bin/protoc-gen-twirp_ts" \
    --ts_out="$out/src/gen" --twirp_ts_out="$out/src/gen" "${p#*:}"
done
"$out/node_modules/.bin/tsc" -p "$out/tsconfig.json"
echo "$hash" > "$build_stamp"
echo "setup.sh: generated and compiled into $out/dist"
