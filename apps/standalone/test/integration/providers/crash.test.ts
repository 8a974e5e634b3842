/**
 * Never pay twice (docs/guarantees.md#the-ledger-upstream_tasks): a worker
 * killed with SIGKILL right after the upstream accepted the task loses nothing;
 * another worker picks the stalled job up, resumes polling the saved task, and
 * the upstream sees one submit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { type BflFake, startBflFake, waitFor } from "@imagegate/testkit";
import { startGateway, type TestGateway } from "../gateway";

const WORKER_MAIN = resolve(__dirname, "../../../../worker/src/main.ts");

function startWorkerProcess(env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    ["--conditions=@imagegate/source", "--import", "tsx", WORKER_MAIN],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) =>
    child.exitCode !== null || child.signalCode !== null
      ? done()
      : child.once("exit", () => done()),
  );
}

let bfl: BflFake;
let gateway: TestGateway;
const children: ChildProcess[] = [];

beforeAll(async () => {
  bfl = await startBflFake("bk");
  gateway = await startGateway({
    worker: false,
    env: { BFL_API_KEY: "bk", BFL_BASE_URL: bfl.url, WORKER_LOCK_MS: "1000" },
    providersFile: { providers: { bfl: { pollIntervalMs: 20, maxPollIntervalMs: 100 } } },
  });
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(children.map(exited));
  await gateway.close();
  await bfl.close();
});

describe("a worker killed after submit", () => {
  it("is replaced by another that finishes the job without a second submit", async () => {
    bfl.taskMs = 2_500;
    const first = startWorkerProcess(gateway.env);
    children.push(first);
    const res = await gateway.post(
      "/v1/images/generations",
      { prompt: "survive", size: "64x64" },
      { prefer: "respond-async" },
    );
    expect(res.status).toBe(202);
    await waitFor(() => bfl.submits().length === 1, {
      timeoutMs: 20_000,
      message: "the first worker submits",
    });
    // Kill only once the task id is saved: that is the window "never pay twice" covers.
    await waitFor(
      async () => (await gateway.get(`/v1/jobs/${res.body.id}`)).body.upstream_tasks.length === 1,
      { timeoutMs: 5_000 },
    );
    first.kill("SIGKILL");
    await exited(first);

    const second = startWorkerProcess(gateway.env);
    children.push(second);
    const done = await gateway.get(`/v1/jobs/${res.body.id}?wait=30`);
    expect(done.body.status).toBe("succeeded");
    expect(done.body.provider).toBe("bfl");
    expect(bfl.submits()).toHaveLength(1);
  }, 60_000);
});
