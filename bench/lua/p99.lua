-- Prints the median and the 99th percentile of the request latencies, in microseconds, and the
-- number of requests, after wrk's report.
done = function(summary, latency, requests)
  io.write(string.format("p50_us: %d\n", latency:percentile(50.0)))
  io.write(string.format("p99_us: %d\n", latency:percentile(99.0)))
  io.write(string.format("requests: %d\n", summary.requests))
end
