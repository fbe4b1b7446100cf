/**
 * The end of a full scan on PostgreSQL alone, without a Core: N synthetic users staged page by page
 * (500 a page, as the scan does) into a throwaway cluster, then the index replaced from the stage
 * and a 20k-user roster classified against it, each step timed (and each statement with
 * PG_REPLACE_TRACE=1). `tsx bench/migration-index/pg-replace.ts [users]`. A tool to find where
 * the PostgreSQL scan's time goes (index-scan.ts measures the whole scan).
 */
import pg from "pg";
import { PostgresClassificationStore } from "../../main/migration/classification/postgres-store.ts";
import { EMPTY_META, type ListedUser, type MetaColumns } from "../../main/migration/user-index/listed.ts";
import { PostgresIndexStore } from "../../main/migration/user-index/postgres-store.ts";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import { startTestPostgres } from "../../tests/support/postgres.ts";

const N = Number(process.argv[2] ?? 100_000);
const PROFILE = "p1";
const JOB = "job-1";

if (process.env.PG_REPLACE_TRACE) {
  const original = pg.Client.prototype.query;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
    const sql = typeof args[0] === "string" ? args[0] : "";
    const t = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const out = (original as any).apply(this, args) as unknown;
    const report = () => {
      const ms = performance.now() - t;
      if (ms > 20) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${sql.replace(/\s+/g, " ").slice(0, 150)}`);
    };
    if (out instanceof Promise && sql.length > 0) void out.then(report, () => {});
    return out;
  };
}

function user(i: number): ListedUser {
  const byPhone = i % 100 >= 85;
  const id = `${(i * 2654435761 % 4294967296).toString(16).padStart(8, "0")}-0000-4000-8000-${String(i).padStart(12, "0")}`;
  return {
    id,
    timeJoined: 1_600_000_000_000 + i * 60_000,
    emails: byPhone ? [] : [`first.last${i}@domain${i % 20}.test`],
    phones: byPhone ? [`+4420${String(i).padStart(8, "0")}`] : [],
    recipes: [i % 2 ? "passwordless" : "emailpassword"],
    tenantIds: ["public"],
    emailVerified: i % 3 === 0,
    plPhone: byPhone ? `+4420${String(i).padStart(8, "0")}` : null,
    sig: `sig${i}`,
  };
}

const cluster = await startTestPostgres("bench");
const pool = await openPostgres(cluster.url);
try {
  const store = new PostgresIndexStore(pool);
  const all = Array.from({ length: N }, (_, i) => user(i));
  const phones = all.filter((u) => u.plPhone).map((u) => u.id);
  const meta = (u: ListedUser, i: number): MetaColumns =>
    i % 200 === 0 && phones.length > 0 ? { ...EMPTY_META, sfLink: phones[(i / 200) % phones.length] ?? null } : i % 50 === 1 ? { ...EMPTY_META, temp: true } : EMPTY_META;
  // The roster: 20k legacy users, some of them user ids of the index, some emails of it.
  await pool.query(
    `INSERT INTO migration_roster (profile_id, legacy_id, email, email_lower, email_verified, tenant_id)
     SELECT $1, 'legacy-' || lpad(g::text, 6, '0'), 'legacy.user' || g || '@oldcorp.test', 'legacy.user' || g || '@oldcorp.test', 1, 'public' FROM generate_series(1, 20000) g`,
    [PROFILE],
  );
  let t = performance.now();
  for (let p = 0; p < N; p += 500) {
    const listed = all.slice(p, p + 500);
    await store.stagePages(JOB, [{ listed, meta: new Map(listed.map((u, k) => [u.id, meta(u, p + k)])) }], { tenantId: "public", chunk: Math.floor(p / 2000), row: { cursor: "x", pages: 1, users: 500, done: 0 } });
  }
  console.log(`staged ${N} users in ${(performance.now() - t).toFixed(0)} ms`);
  for (let round = 1; round <= 2; round++) {
    if (round === 2) {
      for (let p = 0; p < N; p += 500) {
        const listed = all.slice(p, p + 500);
        await store.stagePages(`${JOB}b`, [{ listed, meta: new Map(listed.map((u, k) => [u.id, meta(u, p + k)])) }], { tenantId: "public", chunk: Math.floor(p / 2000), row: { cursor: "x", pages: 1, users: 500, done: 0 } });
      }
    }
    t = performance.now();
    await store.replaceFromStage(PROFILE, round === 1 ? JOB : `${JOB}b`);
    console.log(`round ${round}: replaced in ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    await new PostgresClassificationStore(pool).classify(PROFILE);
    console.log(`round ${round}: classified in ${(performance.now() - t).toFixed(0)} ms`);
  }
  const counts = await pool.query<{ u: number; t: number; k: number; e: number }>(
    `SELECT (SELECT COUNT(*)::int FROM user_index) u, (SELECT COUNT(*)::int FROM user_index_tenants) t, (SELECT COUNT(*)::int FROM user_index_keys) k,
            (SELECT COUNT(*)::int FROM user_index_tenants WHERE sf = 'enrolled') e`,
  );
  console.log(JSON.stringify(counts.rows[0]));
} finally {
  await pool.end();
  await cluster.stop();
}
