// @vitest-environment happy-dom
/**
 * The Jobs page: the profile's jobs a page at a time with their profile, progress and ETA; live
 * updates from "job.progress" (of the profile in force only); the job view with its items a page
 * at a time and filtered; a job waiting for its Core; controls by role (pause, resume, cancel,
 * retry failed items); the result CSV.
 */
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { JobItem, JobSummary } from "../../shared/contract/operations/jobs.ts";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import { sessionHandlers, type Handlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

const job = (over: Partial<JobSummary> = {}): JobSummary => ({
  id: "job-1",
  kind: "roles.bulkAssign",
  profileId: "p1",
  profileName: "Local demo",
  createdBy: "ada",
  inputSummary: 'role "admin" in public to 4 users',
  state: "running",
  createdAt: 1,
  startedAt: 2,
  finishedAt: null,
  total: 4,
  valid: 4,
  pending: 3,
  running: 0,
  done: 1,
  failed: 0,
  skipped: 0,
  etaMs: 90_000,
  error: null,
  ...over,
});

const itemsOf = (count: number): JobItem[] =>
  Array.from({ length: count }, (_, index) => ({
    index,
    input: { userId: `u${index}` },
    state: index === 0 ? "done" : index === 1 ? "failed" : "pending",
    plan: "add the role",
    attempts: index < 2 ? 1 : 0,
    result: index === 0 ? { outcome: "added" } : null,
    error: index === 1 ? "NOT_FOUND: There is no user u1" : null,
    updatedAt: 1,
  }));

function handlers(role: OperatorRole, state: { job: JobSummary; items?: JobItem[] }): Handlers {
  return {
    ...sessionHandlers(role),
    "jobs.list": () => ({ jobs: [state.job], total: 1 }),
    "jobs.get": (i) => {
      const all = (state.items ?? itemsOf(4)).filter((it) => i.state === undefined || it.state === i.state);
      const offset = i.offset ?? 0;
      return { job: state.job, items: all.slice(offset, offset + (i.limit ?? 1000)), itemsTotal: all.length };
    },
    "jobs.pause": () => {
      state.job = job({ state: "paused", etaMs: null });
      return { job: state.job };
    },
    "jobs.resume": () => ({ job: (state.job = job()) }),
    "jobs.cancel": () => ({ job: (state.job = job({ state: "cancelled" })) }),
    "jobs.retryFailed": () => ({ job: (state.job = job({ failed: 0, pending: 4 })), retried: 1 }),
    "jobs.result": () => ({ filename: "job.csv", content: "index\r\n", rows: 4 }),
  };
}

const enabled = async (id: string) => {
  const button = await screen.findByTestId(id);
  await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
  return button;
};

describe("Jobs page", () => {
  it("lists jobs with their profile, progress and ETA, and follows job.progress events of the profile in force only", async () => {
    const state = { job: job() };
    const { transport } = renderApp(handlers("admin", state), "#/jobs");
    const row = await screen.findByTestId("job-row");
    expect(row.textContent).toContain("roles.bulkAssign");
    expect(screen.getByTestId("job-profile").textContent).toBe("Local demo");
    expect(screen.getByRole("columnheader", { name: "Profile" })).toBeTruthy();
    expect(screen.getByTestId("job-progress").getAttribute("aria-valuenow")).toBe("1");
    expect(screen.getByTestId("job-eta").textContent).toBe("1 min 30 s");
    // An event of a job of another profile changes nothing here (and loads nothing).
    transport.emit("job.progress", { jobId: "job-1", profileId: "p2", state: "running", done: 4, failed: 0, skipped: 0, total: 4, etaMs: 0 });
    transport.emit("job.progress", { jobId: "job-1", profileId: "p1", state: "running", done: 3, failed: 0, skipped: 0, total: 4, etaMs: 2000 });
    await waitFor(() => expect(screen.getByTestId("job-progress").getAttribute("aria-valuenow")).toBe("3"));
    expect(screen.getByTestId("job-eta").textContent).toBe("2 s");
    transport.emit("job.progress", { jobId: "job-1", profileId: "p1", state: "completed", done: 4, failed: 0, skipped: 0, total: 4, etaMs: null });
    await waitFor(() => expect(screen.getByTestId("job-state").textContent).toBe("completed"));
    expect(transport.callsOf("jobs.list")).toEqual([{ offset: 0, limit: 50 }]);
  });

  it("pages through thousands of jobs, fifty at a time", async () => {
    const all = Array.from({ length: 120 }, (_, n) => job({ id: `job-${n}`, inputSummary: `job number ${n}` }));
    const { transport } = renderApp(
      { ...handlers("admin", { job: job() }), "jobs.list": (i) => ({ jobs: all.slice(i.offset ?? 0, (i.offset ?? 0) + (i.limit ?? 50)), total: all.length }) },
      "#/jobs",
    );
    await waitFor(() => expect(screen.getAllByTestId("job-row").length).toBe(50));
    expect(screen.getByTestId("jobs-range").textContent).toBe("Jobs 1–50 of 120");
    expect((screen.getByTestId("jobs-newer") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(await enabled("jobs-older"));
    fireEvent.click(await enabled("jobs-older"));
    await waitFor(() => expect(screen.getByTestId("jobs-range").textContent).toBe("Jobs 101–120 of 120"));
    expect(screen.getAllByTestId("job-row").length).toBe(20);
    expect(screen.getAllByTestId("job-row")[0]?.textContent).toContain("job number 100");
    expect((screen.getByTestId("jobs-older") as HTMLButtonElement).disabled).toBe(true);
    expect(transport.callsOf("jobs.list").map((c) => (c as { offset: number }).offset)).toEqual([0, 50, 100]);
  });

  it("shows a job's items a page at a time and by state; an admin pauses, resumes, retries the failed items, cancels and downloads the result", async () => {
    const state = { job: job({ failed: 1 }), items: itemsOf(450) };
    const { transport } = renderApp(handlers("admin", state), "#/jobs");
    fireEvent.click(await screen.findByRole("button", { name: "roles.bulkAssign" }));
    await screen.findByTestId("job-view");
    await waitFor(() => expect(screen.getByTestId("job-items-range").textContent).toBe("Items 1–200 of 450"));
    expect(screen.getByTestId("job-view").textContent).toContain("NOT_FOUND: There is no user u1");
    fireEvent.click(await enabled("job-items-next"));
    await waitFor(() => expect(screen.getByTestId("job-items-range").textContent).toBe("Items 201–400 of 450"));
    fireEvent.change(screen.getByTestId("job-items-filter"), { target: { value: "failed" } });
    await waitFor(() => expect(screen.getByTestId("job-items-range").textContent).toBe("Items 1–1 of 1"));
    expect(transport.callsOf("jobs.get").at(-1)).toMatchObject({ jobId: "job-1", offset: 0, limit: 200, state: "failed" });

    fireEvent.click(await enabled("job-retry-failed"));
    await waitFor(() => expect(screen.queryByTestId("job-retry-failed")).toBeNull());
    expect(transport.callsOf("jobs.retryFailed")).toEqual([{ jobId: "job-1" }]);
    fireEvent.click(await enabled("job-pause"));
    fireEvent.click(await enabled("job-resume"));
    await enabled("job-pause");
    fireEvent.click(await enabled("job-cancel"));
    await waitFor(() => expect(screen.queryByTestId("job-cancel")).toBeNull());
    expect(transport.callsOf("jobs.pause")).toEqual([{ jobId: "job-1" }]);
    expect(transport.callsOf("jobs.resume")).toEqual([{ jobId: "job-1" }]);
    expect(transport.callsOf("jobs.cancel")).toEqual([{ jobId: "job-1" }]);
    expect(screen.getByTestId("job-result")).toBeTruthy();
  });

  it("says a job waits for its Core, and why, apart from the operator's pause; it can be told to try now", async () => {
    const reason = "CORE_UNREACHABLE: Cannot reach the SuperTokens Core at http://127.0.0.1:3567. The job waits for the Core and carries on by itself when it answers.";
    const state = { job: job({ state: "waiting", error: reason, etaMs: null }) };
    const { transport } = renderApp(handlers("admin", state), "#/jobs");
    expect((await screen.findByTestId("job-state")).textContent).toBe("waiting for the Core");
    fireEvent.click(await screen.findByRole("button", { name: "roles.bulkAssign" }));
    const notice = await screen.findByTestId("job-waiting");
    expect(notice.getAttribute("role")).toBe("status");
    expect(notice.textContent).toContain("Waiting for the Core.");
    expect(notice.textContent).toContain(reason);
    expect(screen.queryByTestId("error-banner")).toBeNull();
    expect(screen.getByTestId("job-pause")).toBeTruthy();
    fireEvent.click(await enabled("job-try-now"));
    await waitFor(() => expect(transport.callsOf("jobs.resume")).toEqual([{ jobId: "job-1" }]));
    await waitFor(() => expect(screen.queryByTestId("job-waiting")).toBeNull());
  });

  it("shows auditors and support no controls, only the result", async () => {
    for (const role of ["auditor", "support"] as const) {
      renderApp(handlers(role, { job: job({ failed: 1 }) }), "#/jobs");
      fireEvent.click(await screen.findByRole("button", { name: "roles.bulkAssign" }));
      await screen.findByTestId("job-view");
      expect(["job-pause", "job-resume", "job-cancel", "job-retry-failed", "job-try-now"].filter((id) => screen.queryByTestId(id))).toEqual([]);
      expect(screen.getByTestId("job-result")).toBeTruthy();
      cleanup();
    }
  });
});
