import { Writable } from "node:stream";
import { LOG_REDACTION, lazyChild } from "@imagegate/telemetry";
import pino, { type Logger } from "pino";

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const logger = pino({ level, redact: LOG_REDACTION }, stream);
  // Counts the children the parent makes.
  let made = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<Logger["child"]>) => {
    made++;
    return child(...args);
  }) as Logger["child"];
  return { logger, lines, made: () => made };
}

describe("lazyChild", () => {
  const runs: Record<string, (log: Logger) => unknown> = {
    "info line": (log) => log.info("x"),
    "debug line": (log) => log.debug({ a: 1 }, "x"),
    "level check": (log) => log.isLevelEnabled("info"),
    "warn line": (log) => log.warn("x"),
    "info and error lines": (log) => [log.info("x"), log.error("y")],
    // The grandchild is a second child, made from the first.
    "grandchild's info line": (log) => log.child({ attempt: 2 }).info("x"),
  };
  it.each([
    // level, what the run does, lines written, children made
    ["warn", "info line", 0, 0],
    ["warn", "debug line", 0, 0],
    ["warn", "level check", 0, 0],
    ["warn", "warn line", 1, 1],
    ["info", "info line", 1, 1],
    ["info", "info and error lines", 2, 1],
    ["info", "grandchild's info line", 1, 2],
  ] as const)(
    "at %s, a run's %s writes %i lines from %i children",
    (level, run, lines, children) => {
      const out = capture(level);
      runs[run]?.(lazyChild(out.logger, { jobId: "job_1", provider: "bfl" }));
      expect(out.lines).toHaveLength(lines);
      expect(out.made()).toBe(children);
    },
  );

  it("writes its bindings, and redacts as the parent does", () => {
    const out = capture("info");
    lazyChild(out.logger, { jobId: "job_1" }).info({ authorization: "Bearer sk-live" }, "line");
    expect(out.lines[0]).toMatchObject({
      jobId: "job_1",
      authorization: "[redacted]",
      msg: "line",
    });
  });

  it("answers the parent's level without making the child", () => {
    const out = capture("warn");
    const log = lazyChild(out.logger, { jobId: "job_1" });
    expect(log.level).toBe("warn");
    expect(log.isLevelEnabled("error")).toBe(true);
    expect(out.made()).toBe(0);
  });
});
