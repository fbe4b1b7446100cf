/**
 * The second-factor reset journal, the same contract on SQLite (desktop, one team server) and on
 * PostgreSQL (several team-server instances; a real cluster started for the test): a record opens
 * (anew) before the first change, notes the phone user being made and made and when the change was
 * first in place, and goes when the reset is done; on PostgreSQL what one instance (pool) journals
 * the other reads, so a reset left unfinished on one is finished from the other.
 */
import type pg from "pg";
import { describe, expect, it } from "vitest";
import type { ResetJournal } from "../../main/services/second-factor/journal.ts";
import { PostgresResetJournal } from "../../main/services/second-factor/postgres-journal.ts";
import { SqliteResetJournal } from "../../main/services/second-factor/sqlite-journal.ts";
import type { SecondFactor } from "../../shared/contract/schemas.ts";
import { useSqliteAndPostgres } from "../support/sqlite-and-postgres.ts";

const both = useSqliteAndPostgres("gatehouse-2fa-journal-");
const pool = (i: 0 | 1): pg.Pool => both.pools[i];
let n = 0;
const unique = (what: string) => `${what}-${++n}-${Date.now()}`;
const enrolled: SecondFactor = { state: "enrolled", passwordlessUserId: "pl-1", phoneNumber: "+14155550100" };

describe.each<[string, () => ResetJournal]>([
  ["SQLite", () => new SqliteResetJournal(both.db)],
  ["PostgreSQL", () => new PostgresResetJournal(pool(0))],
])("the second-factor reset journal on %s", (_name, make) => {
  it("opens a record, notes each step, keeps the first change time, and forgets it when done", async () => {
    const j = make();
    const [p, u] = [unique("profile"), unique("user")];
    expect(await j.get(p, u)).toBeUndefined();
    expect(await j.start(p, u, "replace:+14155550111", enrolled, 100)).toEqual({ action: "replace:+14155550111", before: enrolled, startedAt: 100, createdUserId: undefined, creatingPhone: undefined, changedAt: undefined });
    await j.creating(p, u, "+14155550111");
    await j.createdUser(p, u, "pl-2");
    await j.changed(p, u, 200);
    await j.changed(p, u, 300);
    expect(await j.get(p, u)).toEqual({ action: "replace:+14155550111", before: enrolled, startedAt: 100, createdUserId: "pl-2", creatingPhone: "+14155550111", changedAt: 200 });
    expect(await j.get(p, unique("user"))).toBeUndefined();
    await j.finish(p, u);
    expect(await j.get(p, u)).toBeUndefined();
  });

  it("opens a record anew over an earlier one of the same user", async () => {
    const j = make();
    const [p, u] = [unique("profile"), unique("user")];
    await j.start(p, u, "clear:keep", enrolled, 100);
    await j.createdUser(p, u, "pl-9");
    await j.changed(p, u, 150);
    await j.start(p, u, "clear:delete", { state: "none" }, 400);
    expect(await j.get(p, u)).toEqual({ action: "clear:delete", before: { state: "none" }, startedAt: 400, createdUserId: undefined, creatingPhone: undefined, changedAt: undefined });
  });
});

it("on PostgreSQL, a reset one instance left unfinished is there for the other to finish", async () => {
  const [a, b] = [new PostgresResetJournal(pool(0)), new PostgresResetJournal(pool(1))];
  const [p, u] = [unique("profile"), unique("user")];
  await a.start(p, u, "replace:+14155550122", enrolled, 10);
  await a.creating(p, u, "+14155550122");
  expect(await b.get(p, u)).toMatchObject({ action: "replace:+14155550122", creatingPhone: "+14155550122", createdUserId: undefined });
  await b.finish(p, u);
  expect(await a.get(p, u)).toBeUndefined();
});
