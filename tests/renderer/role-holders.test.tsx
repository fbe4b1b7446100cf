// @vitest-environment happy-dom
/**
 * A role's holders on the Roles screen come a page at a time (main looks each holder on the page
 * up) in a virtualized table: a role held by 10,000 users asks for 100 and draws a screenful.
 */
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, it } from "vitest";
import type { InputOf } from "../../shared/contract/index.ts";
import { sessionHandlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

const HOLDERS = 10_000;
const id = (i: number) => `user-${String(i).padStart(5, "0")}`;

function holdersMain({ offset = 0, limit = 100 }: InputOf<"roles.users">) {
  const end = Math.min(HOLDERS, offset + limit);
  const users = Array.from({ length: Math.max(0, end - offset) }, (_, k) => ({ id: id(offset + k), label: `holder${offset + k}@many.test` }));
  return { users, total: HOLDERS, offset };
}

it("pages through 10,000 holders 100 at a time, drawing only the rows in view", async () => {
  const { transport } = renderApp(
    { ...sessionHandlers("auditor"), "roles.list": () => ({ roles: [{ role: "member", permissions: ["read"], userCount: HOLDERS }] }), "roles.users": holdersMain },
    "#/roles",
  );
  const row = (await screen.findAllByTestId("role-row"))[0] as HTMLElement;
  fireEvent.click(within(row).getByRole("button", { name: "member" }));
  const info = await screen.findByTestId("role-holders-pager-info");
  await waitFor(() => expect(info.textContent).toContain("1–100 of 10,000"));
  const drawn = screen.getAllByTestId("role-holder");
  expect(drawn.length).toBeGreaterThan(0);
  expect(drawn.length).toBeLessThan(40);
  expect(drawn[0]?.textContent).toContain("holder0@many.test");
  expect(transport.callsOf("roles.users")).toEqual([{ role: "member", tenantId: "public", offset: 0, limit: 100 }]);

  fireEvent.click(screen.getByTestId("role-holders-pager-next"));
  await waitFor(() => expect(info.textContent).toContain("101–200 of 10,000"));
  expect(screen.getAllByTestId("role-holder")[0]?.textContent).toContain("holder100@many.test");
  fireEvent.click(screen.getByTestId("role-holders-pager-previous"));
  await waitFor(() => expect(info.textContent).toContain("1–100 of 10,000"));
  fireEvent.click(screen.getByTestId("role-holders-pager-last"));
  await waitFor(() => expect(info.textContent).toContain("9,901–10,000 of 10,000"));
  expect((screen.getByTestId("role-holders-pager-next") as HTMLButtonElement).disabled).toBe(true);
  fireEvent.click(screen.getByTestId("role-holders-pager-first"));
  await waitFor(() => expect(info.textContent).toContain("1–100 of 10,000"));
  expect(transport.callsOf("roles.users").map((c) => (c as { offset: number }).offset)).toEqual([0, 100, 0, 9_900, 0]);
});

it("a role with few holders shows them without a pager", async () => {
  renderApp(sessionHandlers("auditor"), "#/roles");
  const row = (await screen.findAllByTestId("role-row"))[0] as HTMLElement;
  fireEvent.click(within(row).getByRole("button"));
  await waitFor(() => expect(screen.getAllByTestId("role-holder")).toHaveLength(1));
  expect(screen.getByTestId("role-holder").textContent).toContain("ada@example.com");
  expect(screen.queryByTestId("role-holders-pager")).toBeNull();
});
