/**
 * Totals per tenant and overall, from the last scan: the legacy users (the roster: every share's
 * denominator), those with an account under their legacy id (of whom on a temporary password),
 * not yet migrated, in conflict, and SuperTokens users outside the roster (in no share).
 */
import type { TenantTotals } from "../../../../shared/contract/operations/migration.ts";
import { isoDateTime } from "../../lib/format.ts";
import { formatShare } from "./forecast.ts";

type Totals = Omit<TenantTotals, "tenantId">;

function ShareBar({ share, label }: { share: number; label: string }) {
  const pct = Math.floor(share * 1000) / 10;
  return (
    <div className="job-progress migration-share" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`${label}: ${formatShare(share)} migrated`}>
      <div className="job-progress__bar" style={{ width: `${pct}%` }} />
      <span className="job-progress__text">{formatShare(share)}</span>
    </div>
  );
}

function Row({ name, totals, overall }: { name: string; totals: Totals; overall?: boolean }) {
  const Cell = overall ? "th" : "td";
  return (
    <tr data-testid={overall ? "totals-overall" : "totals-tenant"} className={overall ? "migration-totals__overall" : undefined}>
      <th scope="row">{name}</th>
      <Cell className="numeric">{totals.rosterTotal.toLocaleString()}</Cell>
      <Cell className="numeric" data-testid="totals-migrated">
        {(totals.migrated + totals.temporaryPassword).toLocaleString()}
      </Cell>
      <Cell className="numeric">{totals.temporaryPassword.toLocaleString()}</Cell>
      <Cell className="numeric">{totals.notMigrated.toLocaleString()}</Cell>
      <Cell className="numeric">{totals.conflict.toLocaleString()}</Cell>
      <Cell>{totals.rosterTotal > 0 ? <ShareBar share={totals.share} label={name} /> : <span className="muted">no legacy users</span>}</Cell>
      <Cell className="numeric">{totals.outsideRoster.toLocaleString()}</Cell>
    </tr>
  );
}

export function TotalsTable({ overall, tenants, asOf }: { overall: Totals; tenants: readonly TenantTotals[]; asOf: number | null }) {
  return (
    <>
      {/* Scrolls sideways in a narrow window: focusable, so a keyboard can scroll it too. */}
      <div className="migration-totals" tabIndex={0} role="region" aria-label="Migration totals per tenant">
        <table className="table" data-testid="migration-totals">
          <caption className="visually-hidden">Migration totals per tenant{asOf ? `, as of ${isoDateTime(asOf)}` : ""}</caption>
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col" className="numeric">
                Legacy users
              </th>
              <th scope="col" className="numeric">
                Migrated
              </th>
              <th scope="col" className="numeric">
                of whom on a temporary password
              </th>
              <th scope="col" className="numeric">
                Not migrated
              </th>
              <th scope="col" className="numeric">
                Conflict
              </th>
              <th scope="col">Share migrated</th>
              <th scope="col" className="numeric">
                Outside the roster
              </th>
            </tr>
          </thead>
          <tbody>
            {tenants.map((t) => (
              <Row key={t.tenantId} name={t.tenantId} totals={t} />
            ))}
          </tbody>
          {tenants.length !== 1 ? (
            <tfoot>
              <Row name="All tenants" totals={overall} overall />
            </tfoot>
          ) : null}
        </table>
      </div>
      <p className="field__hint">
        Migrated counts every legacy user with an account under their legacy id, including those still on a temporary password. Users outside the roster (signed up
        directly, invited, …) count in no share.
      </p>
    </>
  );
}
