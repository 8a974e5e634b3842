/** Header lookup on Node's lower-cased incoming headers. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** One header's value (the first when repeated). */
export function header(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A verified callback: which upstream task ended, and the id that makes a replay recognisable. */
export type VerifiedCallback = { taskId: string; messageId: string };
