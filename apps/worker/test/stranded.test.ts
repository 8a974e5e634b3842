import type { JobRecord, UpstreamTaskEntry } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import { planStranded } from "../src/stranded";

const task = (provider: ProviderId, state: UpstreamTaskEntry["state"]): UpstreamTaskEntry => ({
  provider,
  call_index: 0,
  task_id: "t1",
  submitted_at_ms: 1,
  state,
  cost_usd: null,
  urls: {},
  error: null,
});

type Case = {
  name: string;
  providerOrder: ProviderId[];
  tasks?: UpstreamTaskEntry[];
  on: ProviderId;
  served: ProviderId[];
  plan: ReturnType<typeof planStranded>;
};

const CASES: Case[] = [
  {
    name: "moves to the next served provider",
    providerOrder: ["bfl", "fal", "local"],
    on: "bfl",
    served: ["fal", "local"],
    plan: { action: "move", providerIndex: 1, provider: "fal" },
  },
  {
    name: "skips unserved providers further down the order",
    providerOrder: ["bfl", "fal", "local"],
    on: "bfl",
    served: ["local"],
    plan: { action: "move", providerIndex: 2, provider: "local" },
  },
  {
    name: "never goes back up the order",
    providerOrder: ["fal", "bfl"],
    on: "bfl",
    served: ["fal"],
    plan: { action: "fail" },
  },
  {
    name: "fails when nothing later is served",
    providerOrder: ["bfl"],
    on: "bfl",
    served: ["local"],
    plan: { action: "fail" },
  },
  {
    name: "waits when a task there is live (moving would pay again)",
    providerOrder: ["bfl", "local"],
    tasks: [task("bfl", "running")],
    on: "bfl",
    served: ["local"],
    plan: { action: "wait" },
  },
  {
    name: "moves when its task there failed",
    providerOrder: ["bfl", "local"],
    tasks: [task("bfl", "failed")],
    on: "bfl",
    served: ["local"],
    plan: { action: "move", providerIndex: 1, provider: "local" },
  },
  {
    name: "a live task on another provider does not hold it",
    providerOrder: ["bfl", "local"],
    tasks: [task("fal", "running")],
    on: "bfl",
    served: ["local"],
    plan: { action: "move", providerIndex: 1, provider: "local" },
  },
];

describe("planStranded", () => {
  it.each(CASES)("$name", ({ providerOrder, tasks, on, served, plan }) => {
    const record = { provider_order: providerOrder, upstream_tasks: tasks ?? [] } as Pick<
      JobRecord,
      "provider_order" | "upstream_tasks"
    >;
    expect(planStranded(record, on, (p) => served.includes(p))).toEqual(plan);
  });
});
