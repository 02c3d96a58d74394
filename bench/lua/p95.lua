-- Prints the 95th percentile of the request latencies, in microseconds, after wrk's report.
done = function(summary, latency, requests)
  io.write(string.format("p95_us: %d\n", latency:percentile(95.0)))
end
