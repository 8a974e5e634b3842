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
  route: ProviderId[];
  tasks?: UpstreamTaskEntry[];
  on: ProviderId;
  served: ProviderId[];
  plan: ReturnType<typeof planStranded>;
};

const CASES: Case[] = [
  {
    name: "moves to the next served provider",
    route: ["bfl", "fal", "local"],
    on: "bfl",
    served: ["fal", "local"],
    plan: { action: "move", routeIndex: 1, provider: "fal" },
  },
  {
    name: "skips unserved providers further down the route",
    route: ["bfl", "fal", "local"],
    on: "bfl",
    served: ["local"],
    plan: { action: "move", routeIndex: 2, provider: "local" },
  },
  {
    name: "never goes back up the route",
    route: ["fal", "bfl"],
    on: "bfl",
    served: ["fal"],
    plan: { action: "fail" },
  },
  {
    name: "fails when nothing later is served",
    route: ["bfl"],
    on: "bfl",
    served: ["local"],
    plan: { action: "fail" },
  },
  {
    name: "waits when a task there is live (moving would pay again)",
    route: ["bfl", "local"],
    tasks: [task("bfl", "running")],
    on: "bfl",
    served: ["local"],
    plan: { action: "wait" },
  },
  {
    name: "moves when its task there failed",
    route: ["bfl", "local"],
    tasks: [task("bfl", "failed")],
    on: "bfl",
    served: ["local"],
    plan: { action: "move", routeIndex: 1, provider: "local" },
  },
  {
    name: "a live task on another provider does not hold it",
    route: ["bfl", "local"],
    tasks: [task("fal", "running")],
    on: "bfl",
    served: ["local"],
    plan: { action: "move", routeIndex: 1, provider: "local" },
  },
];

describe("planStranded", () => {
  it.each(CASES)("$name", ({ route, tasks, on, served, plan }) => {
    const record = { route, upstream_tasks: tasks ?? [] } as Pick<
      JobRecord,
      "route" | "upstream_tasks"
    >;
    expect(planStranded(record, on, (p) => served.includes(p))).toEqual(plan);
  });
});
