// Calls a Twirp server with one of the TypeScript peers and prints one JSON line
// per call, for the C++ interop tests to assert on.
//
//   node dist/client.js --peer twirp-ts-node|twirp-ts-fetch|protobuf-ts --base URL
//        [--json] [--proto-method-names] [--timeout-ms N] CALL...
//
// URL is the server root plus prefix (http://127.0.0.1:8080/twirp). A CALL is
//   hat:<inches>     Haberdasher.MakeHat(Size{inches})
//   echo:full|empty  Interop_v1.echo_sample(sample)
//   v1:full|empty    Interop_v1.MakeHat_V1(sample)
// Output lines:
//   {"call":C,"ok":true,"result":<message as protobuf-ts JSON, proto names, defaults emitted>}
//   {"call":C,"ok":false,"kind":"twirp","code":..,"msg":..,"meta":{..}}   TwirpError / RpcError
//   {"call":C,"ok":false,"kind":"exception","name":..,"msg":..}           any other rejection
//   {"call":C,"ok":false,"kind":"uncaught","name":..,"msg":..}            thrown outside the promise
//   {"call":C,"ok":false,"kind":"timeout"}                                never settled
import { TwirpFetchTransport } from "@protobuf-ts/twirp-transport";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { FetchRPC, NodeHttpRPC, TwirpError } from "twirp-ts";
import { Hat, Size } from "./gen/haberdasher";
import { HaberdasherClient as PbHaberdasherClient } from "./gen/haberdasher.client";
import { HaberdasherClientJSON, HaberdasherClientProtobuf } from "./gen/haberdasher.twirp";
import { Sample, Shade } from "./gen/twirpcpp/interop/v1/interop";
import { Interop_v1Client as PbInteropClient } from "./gen/twirpcpp/interop/v1/interop.client";
import { Interop_v1ClientJSON, Interop_v1ClientProtobuf } from "./gen/twirpcpp/interop/v1/interop.twirp";

type Peer = "twirp-ts-node" | "twirp-ts-fetch" | "protobuf-ts";

interface Calls {
  makeHat(size: Size): Promise<Hat>;
  echoSample(sample: Sample): Promise<Sample>;
  makeHatV1(sample: Sample): Promise<Sample>;
}

function Usage(message: string): never {
  process.stderr.write(`client: ${message}\n`);
  process.exit(2);
}

function ParseArgs() {
  const args = process.argv.slice(2);
  let peer: Peer | undefined;
  let base = "";
  let json = false;
  let protoMethodNames = false;
  let timeoutMs = 5000;
  const calls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--peer") peer = args[++i] as Peer;
    else if (arg === "--base") base = args[++i];
    else if (arg === "--json") json = true;
    else if (arg === "--proto-method-names") protoMethodNames = true;
    else if (arg === "--timeout-ms") timeoutMs = Number(args[++i]);
    else if (arg.startsWith("--")) Usage(`unknown flag ${arg}`);
    else calls.push(arg);
  }
  if (!peer || !["twirp-ts-node", "twirp-ts-fetch", "protobuf-ts"].includes(peer)) Usage("--peer is required");
  if (!base) Usage("--base is required");
  return { peer, base, json, protoMethodNames, timeoutMs, calls };
}

function MakeCalls(peer: Peer, base: string, json: boolean, protoMethodNames: boolean): Calls {
  if (peer === "protobuf-ts") {
    const transport = new TwirpFetchTransport({ baseUrl: base, sendJson: json, useProtoMethodName: protoMethodNames });
    const haberdasher = new PbHaberdasherClient(transport);
    const interop = new PbInteropClient(transport);
    return {
      makeHat: async (size) => (await haberdasher.makeHat(size)).response,
      echoSample: async (sample) => (await interop.echoSample(sample)).response,
      makeHatV1: async (sample) => (await interop.makeHatV1(sample)).response,
    };
  }
  const rpc = peer === "twirp-ts-node" ? NodeHttpRPC({ baseUrl: base }) : FetchRPC({ baseUrl: base });
  const haberdasher = json ? new HaberdasherClientJSON(rpc) : new HaberdasherClientProtobuf(rpc);
  const interop = json ? new Interop_v1ClientJSON(rpc) : new Interop_v1ClientProtobuf(rpc);
  return {
    makeHat: (size) => haberdasher.MakeHat(size),
    echoSample: (sample) => interop.echo_sample(sample),
    makeHatV1: (sample) => interop.MakeHat_V1(sample),
  };
}

// Every field set, with values that tell the JSON mappings apart.
function FullSample(): Sample {
  return Sample.create({
    displayName: "Zoë <&>",
    bigCount: 9007199254740993n,  // 2^53 + 1: only exact as a string
    shade: Shade.LIGHT,
    tags: ["a", "b"],
    blob: new Uint8Array([0, 1, 2, 250, 255]),
    flag: true,
    inner: { id: 18446744073709551615n },
    counts: { x: 1, y: -2 },
  });
}

const kJsonOut = { useProtoFieldName: true, emitDefaultValues: true };

// The uncaught exception of the call in flight, if any (NodeHttpRPC throws
// inside its response handler on a non-JSON error body, §9.8).
let onUncaught: ((error: unknown) => void) | undefined;
process.on("uncaughtException", (error) => {
  if (onUncaught) onUncaught(error);
  else throw error;
});

function Describe(error: unknown) {
  if (error instanceof TwirpError) {
    return { kind: "twirp", code: error.code, msg: error.msg, meta: error.meta };
  }
  if (error instanceof RpcError) {
    return { kind: "twirp", code: error.code, msg: error.message, meta: error.meta };
  }
  if (error instanceof Error) return { kind: "exception", name: error.name, msg: error.message };
  return { kind: "exception", name: typeof error, msg: String(error) };
}

async function Run(calls: Calls, call: string, timeoutMs: number): Promise<object> {
  const [what, arg] = call.split(":");
  let promise: Promise<object>;
  if (what === "hat") {
    promise = calls.makeHat(Size.create({ inches: Number(arg) })).then((hat) => Hat.toJson(hat, kJsonOut) as object);
  } else if (what === "echo" || what === "v1") {
    const sample = arg === "full" ? FullSample() : Sample.create();
    const method = what === "echo" ? calls.echoSample : calls.makeHatV1;
    promise = method(sample).then((out) => Sample.toJson(out, kJsonOut) as object);
  } else {
    Usage(`bad call ${call}`);
  }
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    promise.then((result) => ({ ok: true, result }), (error) => ({ ok: false, ...Describe(error) })),
    new Promise<object>((resolve) => {
      onUncaught = (error) => resolve({ ok: false, ...Describe(error), kind: "uncaught" });
    }),
    new Promise<object>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, kind: "timeout" }), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  onUncaught = undefined;
  return { call, ...outcome };
}

async function Main() {
  const { peer, base, json, protoMethodNames, timeoutMs, calls } = ParseArgs();
  const client = MakeCalls(peer, base, json, protoMethodNames);
  for (const call of calls) {
    process.stdout.write(JSON.stringify(await Run(client, call, timeoutMs)) + "\n");
  }
  // A NodeHttpRPC request that never settled may hold its socket open.
  process.exit(0);
}

Main();
