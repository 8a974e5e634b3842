/**
 * What the job and batch stores share about records kept as Redis hashes
 * ([decision 0008](/docs/decisions/0008-job-record-as-a-redis-hash.md)):
 * each field holds a JSON value, and a status moves only inside a script
 * that checks the current one first.
 */

/** A patch as HSET field/value arguments, each value JSON; undefined fields are left out. */
export function encodeFields(patch: Record<string, unknown>): string[] {
  const args: string[] = [];
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) args.push(k, JSON.stringify(v));
  return args;
}

/**
 * Lua: `status_in(current, allowed)` — whether a hash's `status` field (its
 * JSON, e.g. `"queued"`) is one of `allowed`, a JSON array of plain names.
 * Prepended to each status-transition script.
 */
export const STATUS_IN_LUA = `
local function status_in(current, allowed)
  for _, s in ipairs(cjson.decode(allowed)) do
    if ('"' .. s .. '"') == current then return true end
  end
  return false
end
`;
