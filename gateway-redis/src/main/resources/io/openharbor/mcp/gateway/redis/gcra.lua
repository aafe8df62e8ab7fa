-- One rate-limit decision, atomically (GCRA, the generic cell rate algorithm: a token bucket kept as one number).
-- KEYS[1]   the bucket: its value is the theoretical arrival time (TAT) in microseconds of Redis time
-- ARGV[1]   emission interval: microseconds per request (60e6 / requests per minute)
-- ARGV[2]   tolerance: interval * burst, the most the TAT may run ahead of now
-- ARGV[3]   "now" in microseconds, or "" for Redis's own clock (TIME); tests pass a time of their own
-- Returns 0 when the request is admitted (and records it), else the microseconds until one would be.
-- The key expires when its bucket is full again, so idle callers leave nothing behind.
local now
if ARGV[3] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[3])
end
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then
  tat = now
end
local next = tat + interval
local ahead = next - now
if ahead > tolerance then
  return ahead - tolerance
end
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil(ahead / 1000) + 1)
return 0
