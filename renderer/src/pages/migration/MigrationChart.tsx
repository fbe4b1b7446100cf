/**
 * The share migrated over time, from the index's dated snapshots (Recharts, SVG): the history,
 * a dashed projection at the rate of the last 7 days up to the target share (or the end date),
 * the target share and the end date as reference lines, and a marker where the criterion was met.
 * The summary line above says the same in words, and the snapshots are also a table (for
 * keyboard and screen-reader users, and for reading exact numbers).
 */
import { useId, useMemo } from "react";
import { CartesianGrid, ComposedChart, Line, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { isoDate, isoDateTime, plural } from "../../lib/format.ts";
import { criterionOf, DAY_MS, forecastFrom, formatShare, formatTarget, inOrder, shareOf, type Criterion, type CriterionView, type Forecast, type MigrationRate, type SharePoint } from "./forecast.ts";
import { ForecastSummary } from "./ForecastSummary.tsx";

interface Props {
  snapshots: readonly SharePoint[];
  /** migration.rate and migration.criterion.get: the rate, ETA and "met" as the main process computed them. */
  rate: MigrationRate | null;
  criterion: CriterionView | null;
  now: number;
  /** A fixed width (tests, screenshots); otherwise the chart fills its container. */
  width?: number;
  height?: number;
}

/** One x position: the history's share and/or the projection's (in percent, for the axis). */
interface Datum {
  at: number;
  share?: number;
  projected?: number;
  migrated?: number;
  total?: number;
}

/** How far past the latest snapshot the projection is drawn at most (then it is only said in words). */
const projectionHorizon = (first: number, latest: number): number => Math.max(30 * DAY_MS, 2 * (latest - first));

/** app.css's tokens (SVG presentation attributes cannot read CSS variables everywhere). */
const COLOR = { accent: "#0b57d0", muted: "#57606a", ok: "#137333", warn: "#8a5300", grid: "#d0d7de", surface: "#ffffff" };

const pct = (share: number) => Math.round(share * 10_000) / 100;

/** Tops for the share axis, in percent, with a round tick step each: small shares (the start of a migration) stay readable. */
const Y_TOPS: readonly (readonly [top: number, step: number])[] = [
  [1, 0.25],
  [2, 0.5],
  [5, 1],
  [10, 2],
  [20, 5],
  [25, 5],
  [50, 10],
  [75, 25],
  [100, 25],
];

/** The share axis: from 0 to the first top above everything drawn (history, projection, target), with ticks. */
export function shareAxis(data: readonly Datum[], targetPct: number | null): { top: number; ticks: number[] } {
  let high = targetPct ?? 0;
  for (const d of data) high = Math.max(high, d.share ?? 0, d.projected ?? 0);
  const [top, step] = Y_TOPS.find(([t]) => t >= high * 1.05) ?? [100, 25];
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + 1e-9; i++) ticks.push(Math.round(i * step * 100) / 100);
  return { top, ticks };
}

export function chartData(sorted: readonly SharePoint[], f: Forecast, criterion: Criterion | null): { data: Datum[]; domain: [number, number] } {
  const first = sorted[0];
  const latest = f.latest;
  if (!first || !latest) return { data: [], domain: [0, 1] };
  const data: Datum[] = sorted.map((p) => ({ at: p.at, share: pct(shareOf(p) ?? 0), migrated: p.migrated, total: p.total }));
  const horizonEnd = latest.at + projectionHorizon(first.at, latest.at);
  let end = latest.at;
  if (criterion?.endsAt !== null && criterion?.endsAt !== undefined) end = Math.max(end, Math.min(criterion.endsAt, horizonEnd));
  if (f.eta !== null) end = Math.max(end, Math.min(f.eta, horizonEnd));
  // The projection: from the latest snapshot at the 7-day rate, to the ETA or the end date (within the horizon).
  if (f.rate && !f.met && end > latest.at && f.share !== null) {
    const last = data[data.length - 1] as Datum;
    last.projected = last.share as number;
    const projected = Math.max(0, Math.min(1, f.share + f.rate.sharePerDay * ((end - latest.at) / DAY_MS)));
    data.push({ at: end, projected: pct(projected) });
  }
  // A single snapshot still gets a visible span around it.
  const domain: [number, number] = first.at === end ? [first.at - DAY_MS, end + DAY_MS] : [first.at, end];
  return { data, domain };
}

function TooltipBody({ active, payload }: { active?: boolean; payload?: readonly { payload?: Datum }[] }) {
  const d = payload?.[0]?.payload;
  if (!active || !d) return null;
  return (
    <div className="migration-chart__tooltip">
      <div>{isoDateTime(d.at)}</div>
      {d.share !== undefined && d.migrated !== undefined && d.total !== undefined ? (
        <div>
          <strong>{formatShare(d.migrated / Math.max(1, d.total))}</strong> migrated ({d.migrated.toLocaleString()} of {d.total.toLocaleString()})
        </div>
      ) : d.projected !== undefined ? (
        <div>projected: {d.projected.toLocaleString()}%</div>
      ) : null}
    </div>
  );
}

export function MigrationChart({ snapshots, rate, criterion: view, now, width, height = 260 }: Props) {
  const tableId = useId();
  const sorted = useMemo(() => inOrder(snapshots), [snapshots]);
  const f = useMemo(() => forecastFrom(sorted, rate, view), [sorted, rate, view]);
  const criterion = useMemo(() => criterionOf(view?.criterion ?? rate?.criterion ?? null), [view, rate]);
  const { data, domain } = useMemo(() => chartData(sorted, f, criterion), [sorted, f, criterion]);
  const target = criterion?.targetShare ?? null;
  const y = useMemo(() => shareAxis(data, target === null ? null : pct(target)), [data, target]);
  const endsAt = criterion?.endsAt ?? null;
  // The marker sits on the history where the criterion was met: the snapshot then (or the last before the date).
  const metPoint = f.met ? ([...sorted].reverse().find((p) => p.at <= (f.met?.at ?? 0)) ?? sorted[0] ?? null) : null;

  return (
    <figure className="migration-chart" data-testid="migration-chart" aria-describedby={tableId}>
      <figcaption>
        <ForecastSummary forecast={f} criterion={criterion} now={now} />
      </figcaption>
      {sorted.length === 0 ? (
        <p className="muted" data-testid="migration-chart-empty">
          No snapshots yet: each scan of the user index adds one, and the chart starts with the first.
        </p>
      ) : (
        <div className="migration-chart__plot" data-testid="migration-chart-plot">
          <ComposedChart
            data={data}
            {...(width ? { width } : { responsive: true, style: { width: "100%" } })}
            height={height}
            margin={{ top: 16, right: 24, bottom: 4, left: 0 }}
            title="Share of the legacy users migrated, over time"
            desc={`${plural(sorted.length, "snapshot")} from ${isoDate(sorted[0]?.at ?? 0)} to ${isoDate(f.latest?.at ?? 0)}; latest ${formatShare(f.share)}.`}
          >
            <CartesianGrid vertical={false} stroke={COLOR.grid} />
            <XAxis dataKey="at" type="number" scale="time" domain={domain} tickFormatter={(v: number) => isoDate(v)} minTickGap={24} />
            <YAxis type="number" domain={[0, y.top]} ticks={y.ticks} tickFormatter={(v: number) => `${v.toLocaleString()}%`} width={52} />
            <Tooltip content={<TooltipBody />} isAnimationActive={false} />
            {target !== null ? (
              <ReferenceLine y={pct(target)} className="migration-chart__target" stroke={COLOR.ok} strokeDasharray="6 4" label={{ value: `target ${formatTarget(target)}`, position: "insideTopLeft" }} />
            ) : null}
            {endsAt !== null && endsAt >= domain[0] && endsAt <= domain[1] ? (
              <ReferenceLine x={endsAt} className="migration-chart__end" stroke={COLOR.warn} strokeDasharray="6 4" label={{ value: `end ${isoDate(endsAt)}`, position: "insideTopRight" }} />
            ) : null}
            <Line dataKey="share" name="share migrated" className="migration-chart__history" type="linear" stroke={COLOR.accent} strokeWidth={2} dot={sorted.length <= 60 ? { r: 3, fill: COLOR.surface, stroke: COLOR.accent } : false} isAnimationActive={false} connectNulls={false} />
            <Line dataKey="projected" name="projection at the 7-day rate" className="migration-chart__projection" type="linear" stroke={COLOR.muted} strokeWidth={2} strokeDasharray="4 4" dot={false} isAnimationActive={false} connectNulls />
            {f.met ? (
              <ReferenceDot
                x={f.met.at}
                y={pct(metPoint ? (shareOf(metPoint) ?? 0) : 0)}
                r={6}
                className="migration-chart__met"
                fill={COLOR.ok}
                stroke={COLOR.surface}
                strokeWidth={2}
                ifOverflow="extendDomain"
                label={{ value: "criterion met", position: "top" }}
              />
            ) : null}
          </ComposedChart>
        </div>
      )}
      {sorted.length > 0 ? <SnapshotTable id={tableId} snapshots={sorted} /> : null}
    </figure>
  );
}

/** The snapshots as numbers, newest first, behind a disclosure. */
function SnapshotTable({ id, snapshots }: { id: string; snapshots: readonly SharePoint[] }) {
  const newestFirst = [...snapshots].reverse();
  return (
    <details className="migration-chart__table" id={id}>
      <summary>Snapshots as a table ({plural(snapshots.length, "snapshot")})</summary>
      {/* Scrolls: focusable, so a keyboard can scroll it too. */}
      <div className="migration-chart__table-scroll" tabIndex={0} role="region" aria-label="Snapshots">
        <table className="table" data-testid="migration-snapshots">
          <thead>
            <tr>
              <th scope="col">Taken</th>
              <th scope="col" className="numeric">
                Migrated
              </th>
              <th scope="col" className="numeric">
                Legacy total
              </th>
              <th scope="col" className="numeric">
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {newestFirst.map((p) => (
              <tr key={p.at}>
                <td>{isoDateTime(p.at)}</td>
                <td className="numeric">{p.migrated.toLocaleString()}</td>
                <td className="numeric">{p.total.toLocaleString()}</td>
                <td className="numeric">{formatShare(shareOf(p))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
