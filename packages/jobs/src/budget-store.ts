/**
 * Budgets and usage in Redis: `budget.ts`'s rules run in Lua so that a hold
 * is checked and taken in one step — eight parallel submissions against
 * $0.30 at $0.10 each take exactly three holds. Per owner: a hash of
 * lifetime counters (`spent`, `held`, `images`, `jobs`, per model), a hash of
 * outstanding holds (hold id → micro-dollars) and one usage hash per UTC day
 * (`usage.ts`). Every script touches one owner's keys, all under the records
 * prefix, which is hash-tagged on a Redis Cluster (`keys.ts`): one slot.
 */
import { type BudgetLedger, remainingMicros, toMicros } from "./budget";
import { isCluster, redisKeys } from "./keys";
import type { JobRecord } from "./records";
import type { RedisClient } from "./redis";
import { foldUsage, modelField, USAGE_DAY_TTL_SECONDS, type UsageTotals, usageDay } from "./usage";

/**
 * Takes holds in order. KEYS: counters, holds. ARGV: budget (micro-dollars,
 * -1 = none), then id/amount pairs. A hold already there is accepted again.
 * Returns one flag per pair (1 taken, 0 refused), then spent and held after
 * (both 0 without a budget: nothing needs them, so they are not read).
 * Zero amounts and zero counters write nothing: a free job's hold is one
 * HSETNX (docs/architecture.md#tenants).
 */
/**
 * Lua: `take_unchecked_hold(counters, holds, id, amount)` — takes a hold no
 * budget can refuse, once: HSETNX both tests and takes it. Shared with the
 * job store's create script, which takes a job's hold with its record.
 */
export const TAKE_UNCHECKED_HOLD_LUA = `
local function take_unchecked_hold(counters, holds, id, amount)
  if redis.call('HSETNX', holds, id, amount) == 1 and tonumber(amount) ~= 0 then
    redis.call('HINCRBY', counters, 'held', amount)
  end
end
`;

const HOLD = `${TAKE_UNCHECKED_HOLD_LUA}
local budget = tonumber(ARGV[1])
local spent, held = 0, 0
if budget >= 0 then
  local ledger = redis.call('HMGET', KEYS[1], 'spent', 'held')
  spent = tonumber(ledger[1] or '0')
  held = tonumber(ledger[2] or '0')
end
local out = {}
for i = 2, #ARGV, 2 do
  local amount = tonumber(ARGV[i + 1])
  if budget < 0 then
    take_unchecked_hold(KEYS[1], KEYS[2], ARGV[i], ARGV[i + 1])
    out[#out + 1] = 1
  elseif redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    out[#out + 1] = 1
  elseif spent + held + amount > budget then
    out[#out + 1] = 0
  else
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
    if amount ~= 0 then redis.call('HINCRBY', KEYS[1], 'held', ARGV[i + 1]) end
    held = held + amount
    out[#out + 1] = 1
  end
end
out[#out + 1] = spent
out[#out + 1] = held
return out
`;

/**
 * Lua: ends a hold once — settles it (spent += actual, usage counted in the
 * lifetime and day hashes) or releases it. Arguments: counters, holds and
 * day hash keys, then hold id, actual micro-dollars or "" to release,
 * images, model:provider, day TTL (`holdEndCall` builds them). Returns 1
 * when it ended the hold, 0 when it was not there (already ended). Also run
 * by the job store's final write (docs/decisions/0015-lean-hot-path.md).
 */
export const END_HOLD_LUA = `
local function end_hold(counters, holds, day, id, usd_arg, images_arg, model, day_ttl)
  local amount = redis.call('HGET', holds, id)
  if not amount then return 0 end
  redis.call('HDEL', holds, id)
  if tonumber(amount) ~= 0 then redis.call('HINCRBY', counters, 'held', 0 - tonumber(amount)) end
  if usd_arg ~= '' then
    local usd = tonumber(usd_arg)
    local images = tonumber(images_arg)
    local jobs = 0
    for _, key in ipairs({counters, day}) do
      if usd ~= 0 then
        redis.call('HINCRBY', key, 'spent', usd)
        redis.call('HINCRBY', key, 'usd:' .. model, usd)
      end
      if images ~= 0 then
        redis.call('HINCRBY', key, 'images', images)
        redis.call('HINCRBY', key, 'img:' .. model, images)
      end
      jobs = redis.call('HINCRBY', key, 'jobs', 1)
    end
    -- The day hash's first job created it: its lifetime starts now.
    if jobs == 1 then redis.call('EXPIRE', day, day_ttl) end
  end
  return 1
end
`;

/** KEYS: counters, holds, day hash. ARGV: as `end_hold` takes them after its keys. */
const END_HOLD = `${END_HOLD_LUA}
return end_hold(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
`;

/** A hold to end: settled to what the job cost, or released (`settlement` null). */
export type HoldEnding = { owner: string; id: string; settlement: Settlement | null };

/**
 * How a final job's budget hold ends: settled to its cost (succeeded) or
 * released; null for a job with no hold. A record written without its
 * actual cost is charged its estimate.
 */
export function holdEndingOf(record: JobRecord): HoldEnding | null {
  const cost = record.cost;
  if (!cost) return null;
  if (record.status !== "succeeded")
    return { owner: record.owner, id: cost.hold_id, settlement: null };
  return {
    owner: record.owner,
    id: cost.hold_id,
    settlement: {
      micros: toMicros(cost.actual_usd ?? cost.estimated_usd),
      images: record.result?.images.length ?? 0,
      model: record.model,
      provider: record.provider ?? "unknown",
      at: record.completed_at ?? Math.floor(Date.now() / 1000),
    },
  };
}

/** The keys and arguments of `end_hold` for `ending`, under `keys`. */
export function holdEndCall(
  keys: Pick<ReturnType<typeof redisKeys>, "usage" | "usageHolds" | "usageDay">,
  ending: HoldEnding,
): { keys: [string, string, string]; args: string[] } {
  const { owner, id, settlement } = ending;
  const at = settlement?.at ?? Math.floor(Date.now() / 1000);
  return {
    keys: [keys.usage(owner), keys.usageHolds(owner), keys.usageDay(owner, usageDay(at))],
    args: [
      id,
      settlement ? String(settlement.micros) : "",
      String(settlement?.images ?? 0),
      settlement ? modelField(settlement.model, settlement.provider) : "",
      String(USAGE_DAY_TTL_SECONDS),
    ],
  };
}

/** One hold to take. */
export type HoldRequest = { id: string; micros: number };

/** What a hold call answers: per request whether it was taken, and the ledger after. */
export type HoldAnswer = {
  accepted: boolean[];
  spent: number;
  held: number;
  remaining: number | null;
};

/** What settling a succeeded job counts. */
export type Settlement = {
  micros: number;
  images: number;
  model: string;
  provider: string;
  /** Unix seconds the job completed: its usage day. */
  at: number;
};

export type BudgetStore = ReturnType<typeof createBudgetStore>;

/** Creates the budget store on `redis` under `prefix`. */
export function createBudgetStore(options: { redis: RedisClient; prefix: string }) {
  const { redis } = options;
  const keys = redisKeys(options.prefix, isCluster(options.redis));
  const scripts = redis as RedisClient & {
    imagegateHold(...args: (string | number)[]): Promise<number[]>;
    imagegateEndHold(...args: (string | number)[]): Promise<number>;
  };
  if (!("imagegateHold" in redis)) {
    redis.defineCommand("imagegateHold", { numberOfKeys: 2, lua: HOLD });
    redis.defineCommand("imagegateEndHold", { numberOfKeys: 3, lua: END_HOLD });
  }

  async function end(owner: string, id: string, settlement: Settlement | null): Promise<boolean> {
    const call = holdEndCall(keys, { owner, id, settlement });
    return (await scripts.imagegateEndHold(...call.keys, ...call.args)) === 1;
  }

  return {
    /**
     * Takes `requests` in order against `budgetMicros` (null = no budget):
     * each fits or is refused on its own, atomically with every other hold.
     */
    async hold(
      owner: string,
      requests: readonly HoldRequest[],
      budgetMicros: number | null,
    ): Promise<HoldAnswer> {
      const args = requests.flatMap((r) => [r.id, Math.max(0, Math.round(r.micros))]);
      const out = await scripts.imagegateHold(
        keys.usage(owner),
        keys.usageHolds(owner),
        budgetMicros ?? -1,
        ...args,
      );
      const spent = Number(out[requests.length]);
      const held = Number(out[requests.length + 1]);
      return {
        accepted: out.slice(0, requests.length).map((flag) => flag === 1),
        spent,
        held,
        remaining: remainingMicros({ spent, held }, budgetMicros),
      };
    },

    /** Settles hold `id` to what the job cost; false when it had ended already. */
    settle: (owner: string, id: string, settlement: Settlement) => end(owner, id, settlement),

    /** Releases hold `id`; false when it had ended already. */
    release: (owner: string, id: string) => end(owner, id, null),

    /** Releases every hold whose id starts with `idPrefix` (a batch's leftovers); returns how many. */
    async releaseMatching(owner: string, idPrefix: string): Promise<number> {
      let cursor = "0";
      let released = 0;
      do {
        const [next, flat] = await redis.hscan(
          keys.usageHolds(owner),
          cursor,
          "MATCH",
          `${idPrefix.replace(/[*?[\]\\]/g, "\\$&")}*`,
          "COUNT",
          500,
        );
        cursor = next;
        for (let i = 0; i < flat.length; i += 2) {
          if (await end(owner, flat[i] as string, null)) released++;
        }
      } while (cursor !== "0");
      return released;
    },

    /** The owner's whole ledger, holds included (tests and diagnostics). */
    async ledger(owner: string): Promise<BudgetLedger> {
      const [counters, holds] = await Promise.all([
        redis.hmget(keys.usage(owner), "spent", "held"),
        redis.hgetall(keys.usageHolds(owner)),
      ]);
      return {
        spent: Number(counters[0] ?? 0),
        held: Number(counters[1] ?? 0),
        holds: new Map(Object.entries(holds).map(([id, v]) => [id, Number(v)])),
      };
    },

    /** Usage counters: lifetime, or of the given UTC days. */
    async totals(owner: string, days?: readonly string[]): Promise<UsageTotals> {
      if (!days) return foldUsage([await redis.hgetall(keys.usage(owner))]);
      const pipeline = redis.pipeline();
      for (const day of days) pipeline.hgetall(keys.usageDay(owner, day));
      const rows = (await pipeline.exec()) ?? [];
      return foldUsage(rows.map(([, hash]) => (hash ?? {}) as Record<string, string>));
    },

    /** The owner's lifetime spend and current holds, without reading each hold. */
    async counters(owner: string): Promise<{ spent: number; held: number }> {
      const [spent, held] = await redis.hmget(keys.usage(owner), "spent", "held");
      return { spent: Number(spent ?? 0), held: Number(held ?? 0) };
    },
  };
}
