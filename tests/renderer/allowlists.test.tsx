// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { InputOf, OutputOf } from "../../shared/contract/index.ts";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import { sessionHandlers, type Handlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

const list = (): OutputOf<"allowlists.get"> => ({
  tenantId: "public",
  kind: "email",
  metadataId: "emailAllowList",
  version: "0123456789abcdef",
  malformed: null,
  entries: [
    { value: "ada@example.com", normalised: "ada@example.com", flags: [], message: null, account: { userId: "u1", passwordless: true } },
    { value: "  Mixed.Case@Example.com ", normalised: "mixed.case@example.com", flags: ["not-normalised"], message: "never matches", account: null },
    { value: "ada@example.com", normalised: "ada@example.com", flags: ["duplicate"], message: "listed earlier", account: { userId: "u1", passwordless: true } },
  ],
});

const preview = (input: InputOf<"allowlists.preview">): OutputOf<"allowlists.preview"> => ({
  tenantId: "public",
  kind: "email",
  metadataId: "emailAllowList",
  version: "0123456789abcdef",
  before: 3,
  after: ["  Mixed.Case@Example.com ", "bob@example.com"],
  add: ["bob@example.com"],
  remove: input.remove,
  items: [
    { action: "add", entry: "Bob@Example.com", line: null, value: "bob@example.com", outcome: "new", account: null, message: null },
    { action: "remove", entry: "ada@example.com", line: null, value: "ada@example.com", outcome: "removed", account: { userId: "u1", passwordless: true }, message: null },
  ],
  errors: [],
  fileErrors: [],
  impact: { newEntries: 1, addedWithAccounts: [], removedWithAccounts: ["ada@example.com"], removed: 1, duplicates: 0, noOps: 0, invalid: 0 },
  notes: ["Removing does not lock existing users out: 1 removed entry belongs to people who already have an account and keep signing in."],
});

const handlers = (role: OperatorRole): Handlers => ({
  ...sessionHandlers(role),
  "allowlists.get": list,
  "allowlists.preview": preview,
  "allowlists.apply": (i) => ({
    metadataId: "emailAllowList",
    version: "fedcba9876543210",
    list: ["  Mixed.Case@Example.com ", "bob@example.com"],
    added: i.add,
    removed: i.remove,
    alreadyListed: [],
    notListed: [],
    concurrentChange: false,
    attempts: 1,
  }),
});

describe("allow-lists page", () => {
  it("shows the list with its flags and previews a change before saving it", async () => {
    const { transport } = renderApp(handlers("admin"), "#/allowlists");
    expect(await screen.findAllByTestId("allowlist-row")).toHaveLength(3);
    expect(screen.getAllByTestId("allowlist-flag").map((f) => f.getAttribute("data-flag"))).toEqual(["not-normalised", "duplicate"]);
    expect(screen.getAllByTestId("allowlist-has-account")).toHaveLength(2);

    fireEvent.change(screen.getByTestId("allowlist-add"), { target: { value: "Bob@Example.com\n\n" } });
    fireEvent.click(screen.getAllByTestId("allowlist-remove")[0] as HTMLElement);
    fireEvent.click(screen.getByTestId("allowlist-preview-button"));
    const panel = await screen.findByTestId("allowlist-preview");
    expect(transport.callsOf("allowlists.preview")).toEqual([{ tenantId: "public", kind: "email", add: ["Bob@Example.com"], remove: ["ada@example.com"] }]);
    expect(panel.textContent).toContain("Removing does not lock existing users out");
    expect(transport.callsOf("allowlists.apply")).toEqual([]);

    fireEvent.click(screen.getByTestId("allowlist-save"));
    await screen.findByTestId("allowlist-saved");
    expect(transport.callsOf("allowlists.apply")).toEqual([
      { tenantId: "public", kind: "email", add: ["bob@example.com"], remove: ["ada@example.com"], expectedVersion: "0123456789abcdef" },
    ]);
    await waitFor(() => expect(screen.queryByTestId("allowlist-preview")).toBeNull());
    // The saved entries leave the form, so the next change (say, a removal) does not add them again.
    expect((screen.getByTestId("allowlist-add") as HTMLTextAreaElement).value).toBe("");
  });

  it("imports a CSV as a dry run and shows per-row errors with their lines", async () => {
    const { transport } = renderApp(
      {
        ...handlers("admin"),
        "allowlists.import": (i) => ({
          ...preview({ tenantId: i.tenantId, kind: i.kind, add: [], remove: [] }),
          rows: 2,
          errors: [{ entry: "nope", line: 3, message: 'Line 3: "nope" is not an email address' }],
        }),
      },
      "#/allowlists",
    );
    await screen.findAllByTestId("allowlist-row");
    const file = new File(["email\nbob@example.com\nnope\n"], "list.csv", { type: "text/csv" });
    fireEvent.change(screen.getByTestId("allowlist-import"), { target: { files: [file] } });
    const panel = await screen.findByTestId("allowlist-preview");
    expect(transport.callsOf("allowlists.import")).toEqual([{ tenantId: "public", kind: "email", csv: "email\nbob@example.com\nnope\n", mode: "add" }]);
    expect(panel.textContent).toContain("Import preview (dry run)");
    expect(screen.getByTestId("allowlist-errors").textContent).toContain('Line 3: "nope" is not an email address');
    expect(screen.getByTestId("allowlist-save").textContent).toContain("skip 1 error)");
  });

  it("hides every change control from an auditor", async () => {
    renderApp(handlers("auditor"), "#/allowlists");
    await screen.findAllByTestId("allowlist-row");
    for (const id of ["allowlist-add", "allowlist-remove", "allowlist-import", "allowlist-save"]) expect(screen.queryAllByTestId(id), id).toHaveLength(0);
    expect(screen.getByTestId("allowlist-export")).toBeTruthy();
  });
});
