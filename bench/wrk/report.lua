-- Required by every benchmark script (bench/loadgen.py puts this directory on LUA_PATH), and
-- used alone for plain GETs. wrk calls done() once at the end: it prints the totals, the error
-- counts and the latency percentiles as one JSON line, which bench/loadgen.py parses (sturdier
-- than scraping wrk's human-readable summary). Latencies are in microseconds.
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "status_errors": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors.connect, errors.read, errors.write,
    errors.timeout, errors.status, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max
  ))
end
