/**
 * The job store's Lua scripts (`job-store.ts` defines them as commands):
 * every status change, field update and new record is one script, so a
 * canceled job cannot later "succeed" and a run's writes can be fenced
 * (docs/guarantees.md).
 */
import { END_HOLD_LUA, TAKE_UNCHECKED_HOLD_LUA } from "./budget-store";
import { STATUS_IN_LUA } from "./hash-record";

/**
 * Moves a job to a new status if its current one is allowed, setting fields
 * in the same step, and announces it on the job-events channel as
 * `<id>\n<json>` (the id first, so a process with no waiter for the job
 * skips it unparsed); a final state carries the record's fields, so a waiter
 * needs no read. A cancel is announced on `<events channel>:cancels` too,
 * without the fields: the workers listen there only, so every job's events
 * are not sent to every worker. With a fence (the JSON of a run token) only
 * the run that owns the job may do it; a final status leaves the open index;
 * `started_at` is set only on a job's first start. With an ending (JSON:
 * `hold`, the `end_hold` arguments or absent, and `blobs` due at `due_at`)
 * it also ends the job's budget hold and lists its blobs for retention,
 * before the event, so a job's usage shows by the time its answer does.
 * Returns the code — 1 done, 0 status not allowed, -1 no record, -2 fenced
 * off — then, for 1 (unless an ending was given: its caller knows the
 * record) and 0, the hash. KEYS: job hash, open index, the owner's
 * counters, holds and day hash (the job hash again when there is no hold to
 * end), retention index. ARGV: allowed statuses (JSON), fence or "", id,
 * "1" when the new status is final, events channel, new status, progress,
 * started_at or "", ending or "", then field/value pairs.
 */
export const TRANSITION = `${STATUS_IN_LUA}${END_HOLD_LUA}
local now = redis.call('HMGET', KEYS[1], 'status', 'run')
local current = now[1]
if not current then return {-1} end
if ARGV[2] ~= '' and now[2] ~= ARGV[2] then return {-2} end
local ok = status_in(current, ARGV[1])
local hash
if ok then
  local fields = { unpack(ARGV, 10) }
  if ARGV[8] ~= '' and current == '"queued"' then
    fields[#fields + 1] = 'started_at'
    fields[#fields + 1] = ARGV[8]
  end
  redis.call('HSET', KEYS[1], unpack(fields))
  if ARGV[9] ~= '' then
    local ending = cjson.decode(ARGV[9])
    local h = ending.hold
    if h then end_hold(KEYS[3], KEYS[4], KEYS[5], h[1], h[2], h[3], h[4], h[5]) end
    for _, blob in ipairs(ending.blobs) do redis.call('ZADD', KEYS[6], ending.due_at, blob) end
  end
end
hash = redis.call('HGETALL', KEYS[1])
if not ok then
  table.insert(hash, 1, 0)
  return hash
end
local event = { status = ARGV[6], progress = tonumber(ARGV[7]) }
if ARGV[4] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[3])
  local fields = {}
  for i = 1, #hash, 2 do fields[hash[i]] = hash[i + 1] end
  event.fields = fields
end
redis.call('PUBLISH', ARGV[5], ARGV[3] .. '\\n' .. cjson.encode(event))
if ARGV[6] == 'canceled' then
  redis.call('PUBLISH', ARGV[5] .. ':cancels', ARGV[3] .. '\\n' .. cjson.encode({ status = ARGV[6], progress = event.progress }))
end
-- The caller that gave the ending knows the record it wrote: no hash back.
if ARGV[9] ~= '' then return {1} end
table.insert(hash, 1, 1)
return hash
`;

/**
 * Sets fields of an existing record (never resurrects an expired one),
 * optionally fenced as TRANSITION is. KEYS: job hash. ARGV: fence or "",
 * then field/value pairs. Returns 1, -1 no record, -2 fenced off.
 */
export const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'run') ~= ARGV[1] then return -2 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
`;

/**
 * Creates a record, indexes it under its owner and among open jobs, in one
 * script: a single command is far cheaper for ioredis than a MULTI pipeline
 * on the submit path. With a hold id it also takes the job's budget hold as
 * `budget-store.ts`'s HOLD does for an owner without a budget (which cannot
 * refuse it), so the record and its hold land together in one step. With an
 * outbox entry it also pushes that entry on the outbox, from which the
 * workers' relay adds the job's queue entry (`apps/worker/src/outbox-relay.ts`,
 * docs/decisions/0020-submit-through-an-outbox.md): the record and its way
 * to a queue land together.
 * KEYS: job hash, owner index, open index, owner usage, owner holds, outbox.
 * ARGV: ttl, owner score, id, open score, hold id or "", hold micro-dollars,
 * outbox entry or "", then field/value pairs.
 */
export const CREATE = `${TAKE_UNCHECKED_HOLD_LUA}
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
if ARGV[5] ~= '' then take_unchecked_hold(KEYS[4], KEYS[5], ARGV[5], ARGV[6]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
if ARGV[7] ~= '' then redis.call('LPUSH', KEYS[6], ARGV[7]) end
return 1
`;
