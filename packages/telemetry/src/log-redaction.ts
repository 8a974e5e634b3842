/**
 * What pino must never write: API keys, bearer tokens, webhook and signing
 * secrets, webhook signatures, provider credentials. Given to every logger
 * of the gateway (`pino({ redact: LOG_REDACTION })`); a value at one of these
 * paths is logged as `[redacted]`.
 */
export const LOG_REDACTION = {
  paths: [
    "authorization",
    "*.authorization",
    "headers.authorization",
    "*.headers.authorization",
    '*.headers["x-key"]',
    '*.headers["webhook-signature"]',
    "apiKey",
    "*.apiKey",
    "api_key",
    "*.api_key",
    "key",
    "*.key",
    "secret",
    "*.secret",
    "signature",
    "*.signature",
    "password",
    "*.password",
    "*.credentials",
    "*.secretAccessKey",
  ],
  censor: "[redacted]",
};
