/**
 * One transaction on a client of its own from the pool: BEGIN, `work`, COMMIT; ROLLBACK when `work`
 * (or the COMMIT) throws, with that error passed on (a failed ROLLBACK must not hide it); the client
 * goes back to the pool either way.
 */
import type pg from "pg";

export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const value = await work(client);
    await client.query("COMMIT");
    return value;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
