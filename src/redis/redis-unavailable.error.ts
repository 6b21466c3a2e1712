/** Redis cannot serve a command now: the caller is answered 503 with Retry-After. */
export class RedisUnavailableError extends Error {
  /** Seconds a client should wait: about one reconnect attempt. */
  readonly retryAfterS = 5;
}
