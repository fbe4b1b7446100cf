// @vitest-environment happy-dom
/**
 * The Roles screen's guards: removing a permission asks first, the delete preview names holders
 * by email or phone, typed confirmations must match exactly, and a new role's name is checked
 * before it is sent. Also the user page's typed delete confirmation.
 */
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { sessionHandlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

function rolesPage() {
  const handlers = sessionHandlers("admin");
  return renderApp(
    {
      ...handlers,
      "roles.setPermissions": ({ role, remove }) => ({ permissions: role === "admin" ? ["users:write"].filter((p) => !remove.includes(p)) : [] }),
      "roles.deletePreview": () => ({
        byTenant: [
          {
            tenantId: "public",
            users: ["user-1", "user-2", "robot-7"],
            labelled: [
              { id: "user-1", label: "ada@example.com" },
              { id: "user-2", label: "+14155550123" },
            ],
          },
        ],
      }),
      "roles.delete": () => ({ existed: true }),
      "roles.create": () => ({ created: true }),
    },
    "#/roles",
  );
}

const adminRow = async () => (await screen.findAllByTestId("role-row")).find((r) => r.textContent?.includes("admin")) as HTMLElement;

describe("removing a permission", () => {
  it("asks in an in-app dialog, and Cancel changes nothing", async () => {
    const { transport } = rolesPage();
    fireEvent.click(within(await adminRow()).getByRole("button", { name: "Remove users:write" }));
    const dialog = await screen.findByTestId("permission-remove-dialog");
    expect(dialog.getAttribute("role")).toBe("dialog");
    expect(dialog.textContent).toContain("Remove “users:write” from admin?");
    expect(dialog.textContent).toContain("2 users in public");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByTestId("permission-remove-dialog")).toBeNull());
    expect(transport.callsOf("roles.setPermissions")).toEqual([]);
  });

  it("removes it once confirmed (also from the keyboard: Backspace in the field)", async () => {
    const { transport } = rolesPage();
    const row = await adminRow();
    fireEvent.keyDown(within(row).getByTestId("chip-input"), { key: "Backspace" });
    const dialog = await screen.findByTestId("permission-remove-dialog");
    expect(transport.callsOf("roles.setPermissions")).toEqual([]);
    fireEvent.click(within(dialog).getByTestId("confirm-button"));
    await waitFor(() => expect(transport.callsOf("roles.setPermissions")).toEqual([{ role: "admin", add: [], remove: ["users:write"] }]));
    await waitFor(() => expect(screen.queryByTestId("permission-remove-dialog")).toBeNull());
  });
});

describe("deleting a role", () => {
  it("lists holders by email or phone, and counts the rest", async () => {
    rolesPage();
    fireEvent.click(within(await adminRow()).getByTestId("role-delete"));
    const preview = await screen.findByTestId("role-delete-preview");
    expect(preview.textContent).toContain("ada@example.com");
    expect(preview.textContent).toContain("+14155550123");
    expect(preview.textContent).toContain("public — 3 users");
    expect(preview.textContent).toContain("and 1 more user");
    expect(screen.getByTestId("role-delete-dialog").textContent).toContain("3 users will lose this role");
  });

  it.each(["Admin", "admin ", " admin", "ADMIN"])("does not accept %j for “admin”", async (typed) => {
    const { transport } = rolesPage();
    fireEvent.click(within(await adminRow()).getByTestId("role-delete"));
    const dialog = await screen.findByTestId("role-delete-dialog");
    fireEvent.change(within(dialog).getByTestId("confirm-input"), { target: { value: typed } });
    expect((within(dialog).getByTestId("confirm-button") as HTMLButtonElement).disabled).toBe(true);
    expect(within(dialog).getByTestId("confirm-exact-hint").textContent).toContain("exactly");
    fireEvent.submit(within(dialog).getByTestId("confirm-input"));
    expect(transport.callsOf("roles.delete")).toEqual([]);
  });

  it("deletes with the exact name", async () => {
    const { transport } = rolesPage();
    fireEvent.click(within(await adminRow()).getByTestId("role-delete"));
    const dialog = await screen.findByTestId("role-delete-dialog");
    fireEvent.change(within(dialog).getByTestId("confirm-input"), { target: { value: "admin" } });
    expect(within(dialog).queryByTestId("confirm-exact-hint")).toBeNull();
    fireEvent.click(within(dialog).getByTestId("confirm-button"));
    await waitFor(() => expect(transport.callsOf("roles.delete")).toEqual([{ role: "admin" }]));
  });
});

describe("creating a role", () => {
  it("refuses a name with a space at the field, sending nothing", async () => {
    const { transport } = rolesPage();
    fireEvent.click(await screen.findByTestId("role-create"));
    const form = screen.getByTestId("role-create-form");
    fireEvent.change(within(form).getByTestId("role-name"), { target: { value: "support lead" } });
    expect(within(form).getByTestId("field-error").textContent).toContain("no spaces");
    expect(within(form).getByTestId("role-name").getAttribute("aria-invalid")).toBe("true");
    expect((within(form).getByTestId("role-create-submit") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.submit(form);
    expect(transport.callsOf("roles.create")).toEqual([]);

    fireEvent.change(within(form).getByTestId("role-name"), { target: { value: "support-lead " } });
    expect(within(form).queryByTestId("field-error")).toBeNull();
    fireEvent.submit(form);
    await waitFor(() => expect(transport.callsOf("roles.create")).toEqual([{ role: "support-lead", permissions: [] }]));
  });
});

describe("deleting a user", () => {
  it("needs the email (or id) exactly as shown", async () => {
    const { transport } = renderApp({ ...sessionHandlers("admin"), "users.delete": () => ({ deleted: true }) }, "#/users/user-1");
    fireEvent.click(await screen.findByTestId("user-delete"));
    const dialog = await screen.findByTestId("delete-user-dialog");
    const input = within(dialog).getByTestId("confirm-input");
    const button = within(dialog).getByTestId("confirm-button") as HTMLButtonElement;
    for (const typed of ["ADA@example.com", "ada@example.com ", "USER-1"]) {
      fireEvent.change(input, { target: { value: typed } });
      expect(button.disabled, typed).toBe(true);
    }
    fireEvent.change(input, { target: { value: "ada@example.com" } });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    await waitFor(() => expect(transport.callsOf("users.delete")).toEqual([{ userId: "user-1", confirm: "ada@example.com" }]));
  });
});
