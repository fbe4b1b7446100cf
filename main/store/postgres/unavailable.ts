/**
 * Whether an error says the PostgreSQL server could not be reached or dropped the connection (a
 * restart, a network cut, a failover) rather than refusing what was asked: such a request is worth
 * trying again in a moment, and is answered as such.
 */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ENOTFOUND"]);
/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart). */
const SQLSTATE = /^(08|57P)/;

export function isPostgresUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
  // node-postgres says these in words only.
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(err.message);
}
