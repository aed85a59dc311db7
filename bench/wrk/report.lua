-- Shared by the wrk scripts: at the end, one line of key=value figures that
-- bench/run parses (latency in microseconds).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "wrk: requests=%d duration_us=%d p50_us=%d p99_us=%d errors_connect=%d errors_read=%d " ..
    "errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
