-- Driven by bench/load.py: the requests to rotate through come from the Lua file named by
-- BENCH_WRK_DATA (method, path, headers, body), and done() prints one line of JSON that the
-- script reads instead of parsing wrk's human-readable report.
local data = dofile(os.getenv("BENCH_WRK_DATA"))
local prepared = {}
local position = 0

init = function(args)
  for n, r in ipairs(data) do
    prepared[n] = wrk.format(r.method, r.path, r.headers, r.body)
  end
  -- Each wrk thread starts at a different place in the list.
  position = math.random(#prepared) - 1
end

request = function()
  position = position % #prepared + 1
  return prepared[position]
end

done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"status_errors": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
