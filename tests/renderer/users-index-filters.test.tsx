// @vitest-environment happy-dom
/**
 * The Users list's filters the local user index answers (temporary password, migration state,
 * invited/accepted): sent to users.list and users.export, the index's freshness and the matches
 * shown above the page, a refresh that reloads the page when its scan ends, and a page number
 * range counted from the index's matches.
 */
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { OutputOf } from "../../shared/contract/index.ts";
import type { JobSummary } from "../../shared/contract/operations/jobs.ts";
import { sessionHandlers, userRow, type Handlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

type Index = NonNullable<OutputOf<"users.list">["index"]>;
const NOW = Date.now();
const fresh: Index = { state: "ready", builtAt: NOW - 600_000, refreshedAt: NOW - 300_000, ageMs: 300_000, stale: false, users: 340, scanning: null, matches: 57 };
const scanJob = { id: "scan-9", kind: "migration.scan", profileId: "p1", profileName: "Local demo", createdBy: "t", inputSummary: "refresh", state: "running", createdAt: NOW, startedAt: NOW, finishedAt: null, total: 10, valid: 10, pending: 10, running: 0, done: 0, failed: 0, skipped: 0, etaMs: null, error: null } satisfies JobSummary;

function handlers(index: () => Index): Handlers {
  return {
    ...sessionHandlers("auditor"),
    "users.list": (i) =>
      i.temporaryPassword !== undefined || i.migrationState !== undefined || i.invite !== undefined
        ? { rows: [userRow(1, { temporaryPassword: true })], nextPaginationToken: "idx:1", index: index() }
        : { rows: [userRow(1), userRow(2)], nextPaginationToken: null },
    "users.export": () => ({ csv: "id\r\nuser-1\r\n", rows: 1, truncated: false, index: index() }),
    "migration.scan.start": () => ({ job: scanJob, index: index() }),
  };
}

describe("Users list filters from the user index", () => {
  it("sends each filter, shows the index's freshness and matches, and counts the page from them", async () => {
    const { transport } = renderApp(handlers(() => fresh), "#/users");
    await screen.findAllByTestId("user-row");
    expect(screen.queryByTestId("users-index-notice")).toBeNull();

    fireEvent.change(screen.getByTestId("temporary-password-filter"), { target: { value: "yes" } });
    await waitFor(() => expect(screen.getByTestId("users-index-matches").textContent).toBe("57 matching users"));
    expect(screen.getByTestId("users-index-notice").textContent).toContain("340 SuperTokens users indexed, refreshed 5 minutes ago");
    expect(screen.getByTestId("users-pager-info").textContent).toContain("users 1–1 of 57 matches");
    fireEvent.change(screen.getByTestId("migration-filter"), { target: { value: "temporary-password" } });
    fireEvent.change(screen.getByTestId("invite-filter"), { target: { value: "accepted" } });
    await waitFor(() => expect(transport.callsOf("users.list").at(-1)).toMatchObject({ temporaryPassword: true, migrationState: "temporary-password", invite: "accepted" }));

    fireEvent.click(screen.getByTestId("users-export"));
    await waitFor(() => expect(transport.callsOf("users.export").at(-1)).toMatchObject({ temporaryPassword: true, migrationState: "temporary-password", invite: "accepted" }));

    // "any" drops the filter from the call.
    fireEvent.change(screen.getByTestId("temporary-password-filter"), { target: { value: "" } });
    await waitFor(() => expect(transport.callsOf("users.list").at(-1)).not.toHaveProperty("temporaryPassword"));
  });

  it("refreshes the index from the list and loads the page again when the scan ends", async () => {
    let index = { ...fresh, stale: true, ageMs: 3 * 3600_000 };
    const { transport } = renderApp(handlers(() => index), "#/users");
    await screen.findAllByTestId("user-row");
    fireEvent.change(screen.getByTestId("migration-filter"), { target: { value: "conflict" } });
    await waitFor(() => expect(screen.getByTestId("users-index-notice").textContent).toContain("refreshed 3 hours ago"));
    expect(screen.getByTestId("users-index-notice").textContent).toContain("Users changed since then are not reflected.");
    fireEvent.click(screen.getByTestId("users-index-refresh"));
    await waitFor(() => expect(transport.callsOf("migration.scan.start")).toEqual([{ mode: "refresh" }]));
    expect(await screen.findByTestId("users-index-scanning")).toBeTruthy();
    const before = transport.callsOf("users.list").length;
    index = { ...fresh, ageMs: 1000, refreshedAt: NOW };
    transport.emit("job.progress", { jobId: "scan-9", profileId: "p1", state: "completed", done: 10, failed: 0, skipped: 0, total: 10, etaMs: null });
    await waitFor(() => expect(transport.callsOf("users.list").length).toBe(before + 1));
    await waitFor(() => expect(screen.getByTestId("users-index-notice").textContent).toContain("refreshed less than a minute ago"));
    expect(screen.getByTestId("users-index-refresh")).toBeTruthy();
  });

  it("loads the page again when the scan ended before the answer that started it (its end event came first)", async () => {
    let index = { ...fresh, stale: true, ageMs: 3 * 3600_000 };
    const fake: { emit?: (typeof transport)["emit"] } = {};
    const { transport } = renderApp(
      {
        ...handlers(() => index),
        "migration.scan.start": () => {
          index = { ...fresh, ageMs: 1000, refreshedAt: NOW };
          fake.emit?.("job.progress", { jobId: "scan-9", profileId: "p1", state: "completed", done: 10, failed: 0, skipped: 0, total: 10, etaMs: null });
          return { job: scanJob, index: index };
        },
      },
      "#/users",
    );
    fake.emit = (name, payload) => transport.emit(name, payload);
    await screen.findAllByTestId("user-row");
    fireEvent.change(screen.getByTestId("migration-filter"), { target: { value: "conflict" } });
    await waitFor(() => expect(screen.getByTestId("users-index-notice").textContent).toContain("refreshed 3 hours ago"));
    const before = transport.callsOf("users.list").length;
    fireEvent.click(screen.getByTestId("users-index-refresh"));
    await waitFor(() => expect(transport.callsOf("users.list").length).toBe(before + 1));
    await waitFor(() => expect(screen.getByTestId("users-index-notice").textContent).toContain("refreshed less than a minute ago"));
    expect(screen.queryByTestId("users-index-scanning")).toBeNull();
  });
});
