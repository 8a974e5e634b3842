/**
 * A sweep run every `intervalMs` (none when 0), never two at once in this
 * process; `stop()` waits for the one in progress. Used by the reconciler
 * and the retention sweeper.
 */
export function periodic(
  sweep: () => Promise<unknown>,
  intervalMs: number,
  onError: (err: unknown) => void,
): { start(): void; stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  return {
    start(): void {
      if (intervalMs <= 0 || timer) return;
      timer = setInterval(() => {
        sweeping ??= sweep()
          .then(() => undefined)
          .catch(onError)
          .finally(() => {
            sweeping = undefined;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await sweeping;
    },
  };
}
