// @vitest-environment happy-dom
/**
 * The Migration screen's chart: the share over time drawn from the snapshots (real Recharts SVG),
 * the 7-day rate, the ETA to a target share or the share expected by an end date, the marker where
 * the criterion was met, and the same numbers in words and as a table.
 */
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { OutputOf } from "../../shared/contract/index.ts";
import { DAY_MS, forecastFrom, formatShare, pointOf, usersForShare, type SharePoint } from "../../renderer/src/pages/migration/forecast.ts";
import { MigrationChart, shareAxis } from "../../renderer/src/pages/migration/MigrationChart.tsx";

afterEach(cleanup);

const T0 = Date.UTC(2025, 4, 1, 12);
/** One snapshot a day for `days` days: `start` migrated, `perDay` more each day, of `total`. */
const daily = (days: number, start: number, perDay: number, total = 1000): SharePoint[] =>
  Array.from({ length: days }, (_, d) => ({ at: T0 + d * DAY_MS, migrated: start + d * perDay, total }));

type Rate = OutputOf<"migration.rate">;
type View = OutputOf<"migration.criterion.get">;
type C = NonNullable<View["criterion"]>;

/** migration.rate as main answers it, measured between two of the points. */
function rateOf(points: SharePoint[], over: Partial<Rate> & { criterion?: C | null } = {}): Rate {
  const to = points[points.length - 1]!;
  const from = points[Math.max(0, points.length - 8)]!;
  const days = (to.at - from.at) / DAY_MS;
  const end = (p: SharePoint) => ({ at: p.at, share: p.migrated / p.total, migrated: p.migrated });
  return {
    windowDays: 7,
    from: end(from),
    to: end(to),
    usersPerDay: (to.migrated - from.migrated) / days,
    sharePerDay: (to.migrated / to.total - from.migrated / from.total) / days,
    criterion: null,
    met: false,
    etaAt: null,
    projectedShare: null,
    ...over,
  };
}
const viewOf = (criterion: C | null, met = false, metAt: number | null = null): View => ({ criterion, setBy: "ada", setAt: T0, share: null, met, metAt });

describe("forecastFrom", () => {
  it("counts accounts on a temporary password as migrated, of the roster's total", () => {
    expect(pointOf({ at: T0, migrated: 30, temporaryPassword: 10, rosterTotal: 200 })).toEqual({ at: T0, migrated: 40, total: 200 });
  });

  it("takes the rate, the ETA and met from main, and says stalled when a target has no ETA", () => {
    const points = daily(8, 50, 50);
    const share: C = { kind: "share", targetShare: 0.8 };
    const f = forecastFrom(points, rateOf(points, { criterion: share, etaAt: T0 + 15 * DAY_MS }), viewOf(share));
    expect(f).toMatchObject({ share: 0.4, eta: T0 + 15 * DAY_MS, stalled: false, met: null });
    expect(f.rate).toMatchObject({ usersPerDay: 50, days: 7 });
    expect(forecastFrom(points, rateOf(points, { criterion: share }), viewOf(share)).stalled).toBe(true);
    expect(forecastFrom(points, rateOf(points, { criterion: share, met: true }), viewOf(share, true, T0 + 6 * DAY_MS)).met).toEqual({ at: T0 + 6 * DAY_MS, by: "share" });
  });

  it("has no rate from fewer than two snapshots in the window", () => {
    const one = daily(1, 10, 0);
    expect(forecastFrom(one, { ...rateOf(one), from: null, to: null, usersPerDay: null, sharePerDay: null }, null).rate).toBeNull();
  });

  it("with an end date: the share expected then, and met once the date has come", () => {
    const points = daily(8, 100, 10);
    const date: C = { kind: "date", date: T0 + 17 * DAY_MS };
    expect(forecastFrom(points, rateOf(points, { criterion: date, projectedShare: 0.27, etaAt: date.date }), viewOf(date))).toMatchObject({ shareAtEnd: 0.27, eta: null, met: null, stalled: false });
    const passed: C = { kind: "date", date: T0 + 5 * DAY_MS };
    expect(forecastFrom(points, rateOf(points, { criterion: passed, met: true }), viewOf(passed, true, passed.date)).met).toEqual({ at: passed.date, by: "date" });
  });

  it("rounds the target's users up and the share down, so 100% means everyone", () => {
    expect(usersForShare(0.8, 999)).toBe(800);
    expect(usersForShare(0.8, 1000)).toBe(800);
    expect(formatShare(4999 / 5000)).toBe("99.9%");
    expect(formatShare(1)).toBe("100.0%");
  });
});

describe("MigrationChart", () => {
  it("draws the history and the projection to the target, and says the rate and ETA in words", () => {
    const points = daily(8, 50, 50);
    const share: C = { kind: "share", targetShare: 0.8 };
    const { container } = render(<MigrationChart snapshots={points} rate={rateOf(points, { criterion: share, etaAt: T0 + 15 * DAY_MS })} criterion={viewOf(share)} now={T0 + 7 * DAY_MS} width={640} />);
    expect(screen.getByTestId("forecast-share").textContent).toBe("40.0%");
    expect(screen.getByTestId("forecast-rate").textContent).toBe("Last 7 days: +350 users migrated, 50 a day (+5 points a day).");
    expect(screen.getByTestId("forecast-criterion").textContent).toContain("Target 80% (800 users; 400 to go): reached in 8 days at this rate, around 2025-05-16.");
    const svg = container.querySelector("svg.recharts-surface");
    expect(svg).not.toBeNull();
    // The history line has a point per snapshot; the projection is a second, dashed line.
    expect(container.querySelectorAll('.recharts-line-dot[name="share migrated"]').length).toBe(8);
    expect(container.querySelector(".migration-chart__projection .recharts-line-curve")?.getAttribute("d")).toBeTruthy();
    expect(container.querySelector(".migration-chart__target")).not.toBeNull();
    expect(container.textContent).toContain("target 80%");
    // Not met yet: no marker.
    expect(container.querySelector(".migration-chart__met")).toBeNull();
  });

  it("marks where the criterion was met, with no projection after it", () => {
    const points = daily(8, 50, 125);
    const share: C = { kind: "share", targetShare: 0.8 };
    const { container } = render(
      <MigrationChart snapshots={points} rate={rateOf(points, { criterion: share, met: true })} criterion={viewOf(share, true, T0 + 6 * DAY_MS)} now={T0 + 7 * DAY_MS} width={640} />,
    );
    expect(container.querySelector(".migration-chart__met circle")).not.toBeNull();
    expect(container.textContent).toContain("criterion met");
    expect(screen.getByTestId("forecast-criterion").textContent).toContain("Criterion met: 80% migrated since 2025-05-07.");
    expect(container.querySelector(".migration-chart__projection .recharts-line-curve")?.getAttribute("d") ?? "").toBe("");
  });

  it("shows the end date as a line and the share expected by then", () => {
    const points = daily(8, 100, 10);
    const date: C = { kind: "date", date: T0 + 17 * DAY_MS };
    const { container } = render(
      <MigrationChart snapshots={points} rate={rateOf(points, { criterion: date, projectedShare: 0.27, etaAt: date.date })} criterion={viewOf(date)} now={T0 + 7 * DAY_MS} width={640} />,
    );
    expect(container.querySelector(".migration-chart__end")).not.toBeNull();
    expect(screen.getByTestId("forecast-criterion").textContent).toBe("End date 2025-05-18 (in 10 days): about 27.0% migrated by then at this rate.");
  });

  it("lists the snapshots as a table, newest first, and says when there are none", () => {
    const points = daily(3, 0, 333, 999);
    render(<MigrationChart snapshots={points} rate={rateOf(points)} criterion={viewOf(null)} now={T0 + 2 * DAY_MS} width={640} />);
    const rows = screen.getByTestId("migration-snapshots").querySelectorAll("tbody tr");
    expect(rows).toHaveLength(3);
    expect(rows[0]?.textContent).toContain("66.6%");
    expect(rows[2]?.textContent).toContain("0.0%");
    expect(screen.getByTestId("forecast-criterion").textContent).toContain("No end criterion is set.");
    cleanup();
    render(<MigrationChart snapshots={[]} rate={null} criterion={null} now={T0} width={640} />);
    expect(screen.getByTestId("migration-chart-empty")).toBeTruthy();
    expect(screen.getByTestId("forecast-share").textContent).toBe("—");
  });
});

describe("the share axis", () => {
  it("reaches just above what is drawn, so a migration at 1% is not a flat line at the bottom", () => {
    expect(shareAxis([{ at: 1, share: 1.07 }, { at: 2, projected: 1.3 }], null)).toEqual({ top: 2, ticks: [0, 0.5, 1, 1.5, 2] });
    expect(shareAxis([{ at: 1, share: 12 }], null)).toEqual({ top: 20, ticks: [0, 5, 10, 15, 20] });
    expect(shareAxis([{ at: 1, share: 2.8 }], null)).toEqual({ top: 5, ticks: [0, 1, 2, 3, 4, 5] });
    // The target is always in view.
    expect(shareAxis([{ at: 1, share: 12 }], 80).top).toBe(100);
    expect(shareAxis([{ at: 1, share: 99.9 }], null).top).toBe(100);
  });
});
