/**
 * inTransaction (main/store/postgres/transaction.ts), the one BEGIN/COMMIT/ROLLBACK every
 * PostgreSQL store uses, against a real cluster: work that succeeds is committed and its value
 * answered; work that throws, or a COMMIT the database refuses, leaves nothing behind and the
 * error reaches the caller; the client goes back to the pool every time.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../../main/store/postgres/transaction.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";

let cluster: TestPostgres;
let pool: pg.Pool;

beforeAll(async () => {
  cluster = await startTestPostgres();
  pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
  await pool.query("CREATE TABLE t (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES t (id) DEFERRABLE INITIALLY DEFERRED)");
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await cluster?.stop();
});

const ids = async () => (await pool.query<{ id: number }>("SELECT id FROM t ORDER BY id")).rows.map((r) => r.id);
const allReturned = () => expect(pool.idleCount).toBe(pool.totalCount);

describe("inTransaction", () => {
  it("commits what the work wrote and answers its value", async () => {
    const value = await inTransaction(pool, async (client) => {
      await client.query("INSERT INTO t (id) VALUES (1), (2)");
      return "done";
    });
    expect(value).toBe("done");
    expect(await ids()).toEqual([1, 2]);
    allReturned();
  });

  it("rolls back when the work throws, passing that error on", async () => {
    const boom = new Error("boom");
    await expect(
      inTransaction(pool, async (client) => {
        await client.query("INSERT INTO t (id) VALUES (3)");
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await ids()).toEqual([1, 2]);
    allReturned();
  });

  it("leaves nothing when the COMMIT itself is refused (a deferred constraint)", async () => {
    await expect(inTransaction(pool, (client) => client.query("INSERT INTO t (id, parent) VALUES (4, 99)"))).rejects.toThrow(/foreign key/);
    expect(await ids()).toEqual([1, 2]);
    allReturned();
    // The pool's clients are usable afterwards: no transaction was left open on them.
    for (let n = 0; n < 3; n++) await inTransaction(pool, (client) => client.query("INSERT INTO t (id) VALUES ($1)", [10 + n]));
    expect(await ids()).toEqual([1, 2, 10, 11, 12]);
    allReturned();
  });
});
