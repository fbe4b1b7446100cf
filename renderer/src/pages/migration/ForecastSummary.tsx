/** The chart's numbers in words: share, the 7-day rate, and where the end criterion stands. */
import { isoDate, isoDateTime, plural } from "../../lib/format.ts";
import { DAY_MS, formatDuration, formatShare, formatTarget, usersForShare, type Criterion, type Forecast } from "./forecast.ts";

const perDay = (n: number): string => (Math.abs(n) >= 10 ? Math.round(n).toLocaleString() : n.toLocaleString(undefined, { maximumFractionDigits: 1 }));
const points = (sharePerDay: number): string => {
  const p = sharePerDay * 100;
  return `${p >= 0 ? "+" : "−"}${Math.abs(p).toLocaleString(undefined, { maximumFractionDigits: 2 })} points a day`;
};

export function rateText(f: Forecast): string {
  if (!f.rate) return f.latest ? "One snapshot so far: the rate needs a second scan." : "";
  const { rate } = f;
  const gained = Math.round(rate.usersPerDay * rate.days);
  const window = rate.days >= 6.99 ? "Last 7 days" : `Last ${formatDuration(rate.days * DAY_MS)} (all the history there is)`;
  const sign = gained >= 0 ? "+" : "−";
  return `${window}: ${sign}${plural(Math.abs(gained), "user")} migrated, ${perDay(rate.usersPerDay)} a day (${points(rate.sharePerDay)}).`;
}

export function criterionText(f: Forecast, criterion: Criterion | null, now: number): string {
  const target = criterion?.targetShare ?? null;
  const endsAt = criterion?.endsAt ?? null;
  if (target === null && endsAt === null) return "No end criterion is set.";
  if (f.met) {
    return f.met.by === "share" && target !== null
      ? `Criterion met: ${formatTarget(target)} migrated since ${isoDate(f.met.at)}.`
      : `Criterion met: the end date ${isoDate(f.met.at)} has come.`;
  }
  const parts: string[] = [];
  if (target !== null && f.latest) {
    const needed = usersForShare(target, f.latest.total);
    const toGo = Math.max(0, needed - f.latest.migrated);
    const head = `Target ${formatTarget(target)} (${plural(needed, "user")}; ${toGo.toLocaleString()} to go)`;
    if (f.eta !== null) parts.push(`${head}: reached in ${formatDuration(Math.max(0, f.eta - now))} at this rate, around ${isoDate(f.eta)}.`);
    else if (f.stalled) parts.push(`${head}: ${f.rate ? "never reached at this rate (no progress over the window)" : "no estimate until a second scan gives a rate"}.`);
  } else if (target !== null) {
    parts.push(`Target ${formatTarget(target)}: no snapshot yet.`);
  }
  if (endsAt !== null) {
    const by = f.shareAtEnd !== null ? `: about ${formatShare(f.shareAtEnd)} migrated by then at this rate` : "";
    parts.push(`End date ${isoDate(endsAt)} (in ${formatDuration(Math.max(0, endsAt - now))})${by}.`);
  }
  return parts.join(" ");
}

export function ForecastSummary({ forecast: f, criterion, now }: { forecast: Forecast; criterion: Criterion | null; now: number }) {
  return (
    <div className="forecast" data-testid="migration-forecast">
      <p className="forecast__share">
        <strong data-testid="forecast-share">{formatShare(f.share)}</strong> migrated
        {f.latest ? (
          <>
            {" "}
            — {f.latest.migrated.toLocaleString()} of {plural(f.latest.total, "legacy user")} <span className="muted">(snapshot of {isoDateTime(f.latest.at)})</span>
          </>
        ) : (
          <> — no snapshot yet</>
        )}
      </p>
      {f.latest ? <p data-testid="forecast-rate">{rateText(f)}</p> : null}
      <p data-testid="forecast-criterion" className={f.met ? "forecast__met" : undefined}>
        {f.met ? <span className="badge badge--ok">met</span> : null}
        {f.met ? " " : ""}
        {criterionText(f, criterion, now)}
      </p>
    </div>
  );
}
