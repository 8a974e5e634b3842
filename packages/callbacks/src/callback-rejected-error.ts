/**
 * A provider callback that could not be verified (bad or missing signature,
 * stale timestamp, unknown key) or was seen before: answered 401, and it
 * changes nothing.
 */
export class CallbackRejectedError extends Error {
  override readonly name = "CallbackRejectedError";

  constructor(
    readonly provider: string,
    reason: string,
  ) {
    super(`${provider} callback refused: ${reason}`);
  }
}
