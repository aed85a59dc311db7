// The scripted behaviours of the interop servers, keyed by Size.inches. The C++
// interop server (tests/interop/interop_server.cc) implements the same table
// for inches < 300; answers from 300 on are HTTP-level and only this server has them.

// §4.1, in the order of twirp::ErrorCode.
export const kCodes = [
  "canceled", "unknown", "invalid_argument", "malformed", "deadline_exceeded",
  "not_found", "bad_route", "already_exists", "permission_denied", "unauthenticated",
  "resource_exhausted", "failed_precondition", "aborted", "out_of_range",
  "unimplemented", "internal", "unavailable", "data_loss",
];

// Characters Go's error encoder escapes (§4.5) and non-ASCII, in a meta value.
export const kTrickyMeta = "<a & b> \"quoted\" Zoë";

export const kErrorBase = 200;
export const kRawBase = 300;

const kColors = ["white", "black", "brown", "red", "blue", "green"];
const kNames = ["bowler", "baseball cap", "top hat", "derby", "fedora"];

export type HatFields = { size: number; color: string; name: string };

// 1..99: the hat hat_maker.cc makes; 100: the all-default hat.
export function HatFor(inches: number): HatFields | undefined {
  if (inches >= 1 && inches <= 99) {
    return { size: inches, color: kColors[inches % kColors.length], name: kNames[inches % kNames.length] };
  }
  if (inches === 100) return { size: 0, color: "", name: "" };
  return undefined;
}

// 200 + i: Twirp error kCodes[i], msg "scripted <code>", meta inches and note.
export function ErrorFor(inches: number):
    { code: string; msg: string; meta: Record<string, string> } | undefined {
  const i = inches - kErrorBase;
  if (i < 0 || i >= kCodes.length) return undefined;
  return {
    code: kCodes[i],
    msg: `scripted ${kCodes[i]}`,
    meta: { inches: String(inches), note: kTrickyMeta },
  };
}

// 300 + i: a raw HTTP answer, as a proxy or a broken server would give (§6.5-6.11).
export type RawAnswer = { status: number; reason: string; contentType?: string; location?: string; body: string };
export const kRawAnswers: RawAnswer[] = [
  { status: 302, reason: "Found", location: "/elsewhere", body: "" },
  { status: 400, reason: "Bad Request", contentType: "text/plain", body: "garbage" },
  { status: 401, reason: "Unauthorized", contentType: "text/html", body: "<html>401</html>" },
  { status: 403, reason: "Forbidden", contentType: "text/html", body: "<html>403</html>" },
  { status: 404, reason: "Not Found", contentType: "text/html", body: "<html>404</html>" },
  { status: 429, reason: "Too Many Requests", contentType: "text/plain", body: "slow down" },
  { status: 500, reason: "Internal Server Error", contentType: "text/plain", body: "oops" },
  { status: 502, reason: "Bad Gateway", contentType: "text/html", body: "<html>bad gateway</html>" },
  { status: 503, reason: "Service Unavailable", contentType: "text/html", body: "<html>503</html>" },
  { status: 504, reason: "Gateway Timeout", contentType: "text/html", body: "<html>504</html>" },
  // A valid Twirp error body wins over the status (§6.8).
  { status: 500, reason: "Internal Server Error", contentType: "application/json",
    body: '{"code":"not_found","msg":"the body wins","meta":{"k":"v"}}' },
  // A code outside the table (§6.9).
  { status: 400, reason: "Bad Request", contentType: "application/json", body: '{"code":"bogus","msg":"x"}' },
  // An extra key makes it an intermediary error (§6.7).
  { status: 500, reason: "Internal Server Error", contentType: "application/json",
    body: '{"code":"internal","msg":"x","extra":1}' },
  // A non-string meta value (§6.7).
  { status: 503, reason: "Service Unavailable", contentType: "application/json",
    body: '{"code":"unavailable","msg":"x","meta":{"n":1}}' },
  // An empty code (§6.7).
  { status: 404, reason: "Not Found", contentType: "application/json", body: '{"code":"","msg":"x"}' },
];
