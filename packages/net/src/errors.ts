/** A URL the gateway refuses to call (scheme, address, size or redirects). */
export class UnsafeUrlError extends Error {
  override readonly name = "UnsafeUrlError";
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
  }
}

/** A remote answer over the size cap. */
export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`the response is larger than ${maxBytes} bytes`);
  }
}
