// @vitest-environment happy-dom
/** The Jobs page: list with progress and ETA, live updates from "job.progress", the job view, controls by role, result CSV. */
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

const items: JobItem[] = [0, 1, 2, 3].map((index) => ({
  index,
  input: { userId: `u${index}` },
  state: index === 0 ? "done" : index === 1 ? "failed" : "pending",
  plan: "add the role",
  attempts: index < 2 ? 1 : 0,
  result: index === 0 ? { outcome: "added" } : null,
  error: index === 1 ? "NOT_FOUND: There is no user u1" : null,
  updatedAt: 1,
}));

function handlers(role: OperatorRole, state: { job: JobSummary }): Handlers {
  return {
    ...sessionHandlers(role),
    "jobs.list": () => ({ jobs: [state.job] }),
    "jobs.get": () => ({ job: state.job, items, itemsTotal: items.length }),
    "jobs.pause": () => {
      state.job = job({ state: "paused", etaMs: null });
      return { job: state.job };
    },
    "jobs.resume": () => ({ job: (state.job = job()) }),
    "jobs.cancel": () => ({ job: (state.job = job({ state: "cancelled" })) }),
    "jobs.result": () => ({ filename: "job.csv", content: "index\r\n", rows: 4 }),
  };
}

describe("Jobs page", () => {
  it("lists jobs with progress and ETA and follows job.progress events", async () => {
    const state = { job: job() };
    const { transport } = renderApp(handlers("admin", state), "#/jobs");
    const row = await screen.findByTestId("job-row");
    expect(row.textContent).toContain("roles.bulkAssign");
    expect(screen.getByTestId("job-progress").getAttribute("aria-valuenow")).toBe("1");
    expect(screen.getByTestId("job-eta").textContent).toBe("1 min 30 s");
    transport.emit("job.progress", { jobId: "job-1", state: "running", done: 3, failed: 0, skipped: 0, total: 4, etaMs: 2000 });
    await waitFor(() => expect(screen.getByTestId("job-progress").getAttribute("aria-valuenow")).toBe("3"));
    expect(screen.getByTestId("job-eta").textContent).toBe("2 s");
    transport.emit("job.progress", { jobId: "job-1", state: "completed", done: 4, failed: 0, skipped: 0, total: 4, etaMs: null });
    await waitFor(() => expect(screen.getByTestId("job-state").textContent).toBe("completed"));
  });

  it("shows a job's items and errors; an admin pauses, resumes and cancels it and downloads the result", async () => {
    const state = { job: job() };
    const { transport } = renderApp(handlers("admin", state), "#/jobs");
    fireEvent.click(await screen.findByRole("button", { name: "roles.bulkAssign" }));
    await screen.findByTestId("job-view");
    expect((await screen.findAllByTestId("job-item")).length).toBe(4);
    expect(screen.getByTestId("job-view").textContent).toContain("NOT_FOUND: There is no user u1");
    const enabled = async (id: string) => {
      const button = await screen.findByTestId(id);
      await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
      return button;
    };
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

  it("shows auditors and support no controls, only the result", async () => {
    for (const role of ["auditor", "support"] as const) {
      renderApp(handlers(role, { job: job() }), "#/jobs");
      fireEvent.click(await screen.findByRole("button", { name: "roles.bulkAssign" }));
      await screen.findByTestId("job-view");
      expect(["job-pause", "job-resume", "job-cancel"].filter((id) => screen.queryByTestId(id))).toEqual([]);
      expect(screen.getByTestId("job-result")).toBeTruthy();
      cleanup();
    }
  });
});
