// @vitest-environment happy-dom
/**
 * The Migration screen's chart: the share over time drawn from the snapshots (real Recharts SVG),
 * the 7-day rate, the ETA to a target share or the share expected by an end date, the marker where
 * the criterion was met, and the same numbers in words and as a table.
 */
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { DAY_MS, forecast, formatShare, rateOf, type SharePoint } from "../../renderer/src/pages/migration/forecast.ts";
import { MigrationChart } from "../../renderer/src/pages/migration/MigrationChart.tsx";

afterEach(cleanup);

const T0 = Date.UTC(2025, 4, 1, 12);
/** One snapshot a day for `days` days: `start` migrated, `perDay` more each day, of `total`. */
const daily = (days: number, start: number, perDay: number, total = 1000): SharePoint[] =>
  Array.from({ length: days }, (_, d) => ({ at: T0 + d * DAY_MS, migrated: start + d * perDay, total }));

describe("forecast", () => {
  it("measures the rate over the last 7 days, not the whole history", () => {
    // 10 a day for 10 days, then 30 a day for the last 7.
    const points = [...daily(11, 0, 10)];
    for (let d = 1; d <= 7; d++) points.push({ at: T0 + (10 + d) * DAY_MS, migrated: 100 + 30 * d, total: 1000 });
    const rate = rateOf(points);
    expect(rate?.days).toBe(7);
    expect(rate?.usersPerDay).toBeCloseTo(30);
    expect(rate?.sharePerDay).toBeCloseTo(0.03);
  });

  it("uses all the history when it is shorter than 7 days, and has no rate from one snapshot", () => {
    expect(rateOf(daily(3, 0, 20))?.days).toBe(2);
    expect(rateOf(daily(1, 0, 20))).toBeNull();
  });

  it("puts the ETA where the target share's user count is reached at the rate", () => {
    // 400 of 1000 now, 50 a day: 800 (80%) needs 400 more, 8 days.
    const points = daily(8, 50, 50);
    const f = forecast(points, { targetShare: 0.8, endsAt: null }, T0 + 7 * DAY_MS);
    expect(f.share).toBe(0.4);
    expect(f.met).toBeNull();
    expect(f.eta).toBe(T0 + 15 * DAY_MS);
  });

  it("says stalled when nothing moved, and met (since when) once the share holds at the target", () => {
    const flat = daily(8, 300, 0);
    expect(forecast(flat, { targetShare: 0.8, endsAt: null }, T0 + 7 * DAY_MS)).toMatchObject({ eta: null, stalled: true, met: null });
    // Reaches 80% on day 6 (50 + 6*125 = 800) and stays there.
    const points = daily(8, 50, 125);
    expect(forecast(points, { targetShare: 0.8, endsAt: null }, T0 + 7 * DAY_MS).met).toEqual({ at: T0 + 6 * DAY_MS, by: "share" });
  });

  it("rounds the target's users up and the share down, so 100% means everyone", () => {
    // 80% of 999 is 799.2 users: 799 is not enough.
    const f = forecast([{ at: T0, migrated: 799, total: 999 }], { targetShare: 0.8, endsAt: null }, T0);
    expect(f.met).toBeNull();
    expect(formatShare(4999 / 5000)).toBe("99.9%");
    expect(formatShare(1)).toBe("100.0%");
  });

  it("with an end date ahead, projects the share on that date; once it has come, the criterion is met", () => {
    const points = daily(8, 100, 10);
    const ahead = forecast(points, { targetShare: null, endsAt: T0 + 17 * DAY_MS }, T0 + 7 * DAY_MS);
    expect(ahead.met).toBeNull();
    expect(ahead.shareAtEnd).toBeCloseTo(0.27);
    const passed = forecast(points, { targetShare: null, endsAt: T0 + 5 * DAY_MS }, T0 + 7 * DAY_MS);
    expect(passed.met).toEqual({ at: T0 + 5 * DAY_MS, by: "date" });
  });
});

describe("MigrationChart", () => {
  it("draws the history and the projection to the target, and says the rate and ETA in words", () => {
    const { container } = render(<MigrationChart snapshots={daily(8, 50, 50)} criterion={{ targetShare: 0.8, endsAt: null }} now={T0 + 7 * DAY_MS} width={640} />);
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
    const { container } = render(<MigrationChart snapshots={daily(8, 50, 125)} criterion={{ targetShare: 0.8, endsAt: null }} now={T0 + 7 * DAY_MS} width={640} />);
    expect(container.querySelector(".migration-chart__met circle")).not.toBeNull();
    expect(container.textContent).toContain("criterion met");
    expect(screen.getByTestId("forecast-criterion").textContent).toContain("Criterion met: 80% migrated since 2025-05-07.");
    expect(container.querySelector(".migration-chart__projection .recharts-line-curve")?.getAttribute("d") ?? "").toBe("");
  });

  it("shows the end date as a line and the share expected by then", () => {
    const { container } = render(<MigrationChart snapshots={daily(8, 100, 10)} criterion={{ targetShare: null, endsAt: T0 + 17 * DAY_MS }} now={T0 + 7 * DAY_MS} width={640} />);
    expect(container.querySelector(".migration-chart__end")).not.toBeNull();
    expect(screen.getByTestId("forecast-criterion").textContent).toBe("End date 2025-05-18 (in 10 days): about 27.0% migrated by then at this rate.");
  });

  it("lists the snapshots as a table, newest first, and says when there are none", () => {
    render(<MigrationChart snapshots={daily(3, 0, 333, 999)} criterion={null} now={T0 + 2 * DAY_MS} width={640} />);
    const rows = screen.getByTestId("migration-snapshots").querySelectorAll("tbody tr");
    expect(rows).toHaveLength(3);
    expect(rows[0]?.textContent).toContain("66.6%");
    expect(rows[2]?.textContent).toContain("0.0%");
    expect(screen.getByTestId("forecast-criterion").textContent).toContain("No end criterion is set.");
    cleanup();
    render(<MigrationChart snapshots={[]} criterion={null} now={T0} width={640} />);
    expect(screen.getByTestId("migration-chart-empty")).toBeTruthy();
    expect(screen.getByTestId("forecast-share").textContent).toBe("—");
  });
});
