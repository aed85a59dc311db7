// A twirp-ts 2.5.0 server with the scripted Haberdasher (script.ts) and the
// echoing Interop_v1 service, on 127.0.0.1, default /twirp prefix.
//
//   node dist/server.js [--port N]
//
// Prints {"port":N} as its first stdout line once listening. Exits on SIGTERM,
// SIGINT, or when its stdin reaches EOF (so it never outlives the test that
// started it).
import * as http from "http";
import { TwirpContext, TwirpError, TwirpErrorCode } from "twirp-ts";
import { Hat, Size } from "./gen/haberdasher";
import { createHaberdasherServer } from "./gen/haberdasher.twirp";
import { Sample } from "./gen/twirpcpp/interop/v1/interop";
import { createInterop_v1Server } from "./gen/twirpcpp/interop/v1/interop.twirp";
import { ErrorFor, HatFor, kRawAnswers, kRawBase } from "./script";

// Thrown after a raw answer was written: twirp-ts writes no error once headers are sent.
class AlreadyAnswered extends Error {}

const haberdasher = createHaberdasherServer({
  async MakeHat(ctx: TwirpContext, size: Size): Promise<Hat> {
    const hat = HatFor(size.inches);
    if (hat) return Hat.create(hat);
    const error = ErrorFor(size.inches);
    if (error) {
      const twirpError = new TwirpError(error.code as TwirpErrorCode, error.msg);
      for (const [key, value] of Object.entries(error.meta)) twirpError.withMeta(key, value);
      throw twirpError;
    }
    const raw = kRawAnswers[size.inches - kRawBase];
    if (raw) {
      const res = ctx.res;
      res.statusCode = raw.status;
      res.statusMessage = raw.reason;
      if (raw.contentType) res.setHeader("Content-Type", raw.contentType);
      if (raw.location) res.setHeader("Location", raw.location);
      res.end(raw.body);
      throw new AlreadyAnswered("raw answer written");
    }
    throw new TwirpError(TwirpErrorCode.InvalidArgument, `no script for inches ${size.inches}`);
  },
});

const interop = createInterop_v1Server({
  async echo_sample(_ctx: TwirpContext, sample: Sample): Promise<Sample> {
    return sample;
  },
  async MakeHat_V1(_ctx: TwirpContext, sample: Sample): Promise<Sample> {
    return sample;
  },
});

const haberdasherHandler = haberdasher.httpHandler();
const interopHandler = interop.httpHandler();

const server = http.createServer((req, res) => {
  const url = req.url ?? "";
  if (url.includes("/twitch.twirp.example.")) return haberdasherHandler(req, res);
  if (url.includes("/twirpcpp.interop.v1.")) return interopHandler(req, res);
  res.statusCode = 404;
  res.setHeader("Content-Type", "text/plain");
  res.end("not a Twirp path");
});

const portFlag = process.argv.indexOf("--port");
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 0;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  process.stdout.write(JSON.stringify({ port: address.port }) + "\n");
});

const stop = () => {
  server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
