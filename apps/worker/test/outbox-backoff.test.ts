/** The relay's pause after failures in a row: doubling from 0.2 s, capped at 5 s. */
import { relayBackoffMs } from "../src/outbox-relay";

describe("relayBackoffMs", () => {
  it.each([
    [0, 200],
    [1, 200],
    [2, 400],
    [3, 800],
    [5, 3200],
    [6, 5000],
    [40, 5000],
  ])("after %i failures: %i ms", (failures, ms) => {
    expect(relayBackoffMs(failures)).toBe(ms);
  });
});
