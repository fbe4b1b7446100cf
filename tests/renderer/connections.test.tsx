// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { GatehouseError } from "../../shared/contract/errors.ts";
import { emptyForm, formFromProfile, splitUris, toTestInput, toUpdateInput } from "../../renderer/src/pages/connections/profileForm.ts";
import { createClient } from "../../shared/contract/client.ts";
import { createTenantsStore } from "../../renderer/src/stores/tenants.ts";
import { fakeTransport, profile, sessionHandlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

describe("profile form values", () => {
  it("splits Core URIs on new lines and semicolons", () => {
    expect(splitUris(" http://a:3567 ;http://b:3567\n\nhttp://c:3567 ")).toEqual(["http://a:3567", "http://b:3567", "http://c:3567"]);
  });

  it("keeps, replaces or removes the write-only API key", () => {
    const values = formFromProfile(profile("admin", { hasApiKey: true }));
    expect(toUpdateInput("p1", values)).not.toHaveProperty("apiKey");
    expect(toUpdateInput("p1", { ...values, apiKey: " new-key " }).apiKey).toBe("new-key");
    expect(toUpdateInput("p1", { ...values, removeKey: true }).apiKey).toBeNull();
  });

  it("tests unsaved settings with the stored key unless a new one is typed", () => {
    const values = { ...emptyForm(), uris: "http://core:3567", timeoutMs: "5000" };
    expect(toTestInput(values, "p1")).toEqual({ uris: ["http://core:3567"], timeoutMs: 5000, keyFrom: "p1" });
    expect(toTestInput({ ...values, apiKey: "k" }, "p1")).toEqual({ uris: ["http://core:3567"], timeoutMs: 5000, apiKey: "k" });
    expect(toTestInput(values, undefined)).toEqual({ uris: ["http://core:3567"], timeoutMs: 5000 });
  });
});

describe("connections page", () => {
  it("shows a VALIDATION error next to its field", async () => {
    const { transport } = renderApp(
      {
        ...sessionHandlers("admin"),
        "profiles.create": () => {
          throw new GatehouseError({ code: "VALIDATION", field: "uris[1]", message: "uris[1]: each Core URI must be a URL like http://localhost:3567" });
        },
      },
      "#/connections",
    );
    fireEvent.click(await screen.findByTestId("profile-add"));
    const form = screen.getByTestId("profile-form");
    fireEvent.change(within(form).getByTestId("profile-name"), { target: { value: "Staging" } });
    fireEvent.change(within(form).getByTestId("profile-uris"), { target: { value: "http://ok:3567\nnot a url" } });
    fireEvent.submit(form);
    const error = await within(form).findByTestId("field-error");
    expect(error.textContent).toBe("each Core URI must be a URL like http://localhost:3567");
    expect(error.closest(".field")?.querySelector("textarea")).toBe(within(form).getByTestId("profile-uris"));
    expect(within(form).queryByTestId("error-banner")).toBeNull();
    expect(transport.callsOf("profiles.create")[0]).toMatchObject({ name: "Staging", uris: ["http://ok:3567", "not a url"] });
  });

  it("shows 'stored' for a saved API key and never its value", async () => {
    renderApp(sessionHandlers("admin"), "#/connections");
    const production = (await screen.findAllByTestId("profile-row")).find((r) => r.textContent?.includes("Production")) as HTMLElement;
    expect(production.textContent).toContain("stored");
    fireEvent.click(within(production).getByTestId("profile-edit"));
    const keyField = within(screen.getByTestId("profile-form")).getByTestId("profile-api-key") as HTMLInputElement;
    expect(keyField.value).toBe("");
    expect(keyField.placeholder).toContain("stored");
    fireEvent.click(screen.getByTestId("profile-api-key-clear"));
    await waitFor(() => expect(screen.getByTestId("profile-form").textContent).toContain("will be removed"));
  });
});

describe("profiles set in a team server's config", () => {
  it("offers no add, edit, remove or switch, and says where to change them", async () => {
    const locked = "This team server's connection profiles are set in its config file (profiles, activeProfile): change them there and restart every instance.";
    const admin = sessionHandlers("admin");
    renderApp({ ...admin, "session.whoami": (i) => ({ ...(admin["session.whoami"]?.(i) as object), mode: "team", profilesLocked: locked }) } as typeof admin, "#/connections");
    expect((await screen.findByTestId("profiles-locked")).textContent).toBe(locked);
    const rows = await screen.findAllByTestId("profile-row");
    expect(rows.length).toBeGreaterThan(0);
    for (const id of ["profile-add", "profile-edit", "profile-remove", "profile-switch"]) expect(screen.queryAllByTestId(id), id).toHaveLength(0);
    expect(screen.getAllByTestId("profile-test-saved").length).toBeGreaterThan(0); // reading still works
  });
});

describe("test connection", () => {
  const base = { cdiVersions: [] as string[], supported: false, tenants: [] as string[], reachable: true };

  it.each([
    ["key-refused", "✗ API key refused", "The SuperTokens Core at http://core:3567 refused the API key."],
    ["key-missing", "✗ API key missing", "The SuperTokens Core at http://core:3567 needs an API key, and none is set."],
  ] as const)("headlines a %s API key as such, not as an unsupported Core", async (state, headline, message) => {
    renderApp(
      {
        ...sessionHandlers("admin"),
        "profiles.test": () => ({ ...base, state, uri: "http://core:3567", message, uris: [{ uri: "http://core:3567", state, message }] }),
      },
      "#/connections",
    );
    const production = (await screen.findAllByTestId("profile-row")).find((r) => r.textContent?.includes("Production")) as HTMLElement;
    fireEvent.click(within(production).getByTestId("profile-test-saved"));
    const result = await within(production).findByTestId("profile-test-result");
    expect(within(result).getByTestId("profile-test-headline").textContent).toBe(`${headline} — http://core:3567`);
    expect(result.textContent).not.toContain("not supported");
    expect(result.textContent).toContain(message);
  });

  it("names the URI that answered after a failover, and lists each URI", async () => {
    renderApp(
      {
        ...sessionHandlers("admin"),
        "profiles.test": () => ({
          reachable: true,
          supported: true,
          state: "connected",
          uri: "http://b:3567",
          cdiVersions: ["5.4"],
          tenants: ["public"],
          message: "Connected through http://b:3567.",
          uris: [
            { uri: "http://a:3567", state: "unreachable", message: "Cannot reach the SuperTokens Core at http://a:3567." },
            { uri: "http://b:3567", state: "connected", message: "Connected; CDI 5.4." },
          ],
        }),
      },
      "#/connections",
    );
    const production = (await screen.findAllByTestId("profile-row")).find((r) => r.textContent?.includes("Production")) as HTMLElement;
    fireEvent.click(within(production).getByTestId("profile-test-saved"));
    expect((await within(production).findByTestId("profile-test-headline")).textContent).toBe("✓ Connected — http://b:3567");
    const uris = within(production).getByTestId("profile-test-uris");
    expect([...uris.querySelectorAll("li")].map((li) => li.textContent)).toEqual([
      "http://a:3567: not reachable — Cannot reach the SuperTokens Core at http://a:3567.",
      "http://b:3567: connected",
    ]);
  });
});

describe("tenants after a profile switch", () => {
  /** Two profiles: the demo one (tenants public and acme) and "Dead" (default tenant eu), whose Core is down. */
  function twoProfiles() {
    let active = "p1";
    const base = sessionHandlers("admin");
    const profiles = () => [profile("admin", { active: active === "p1" }), profile("admin", { id: "p2", name: "Dead", active: active === "p2", embedded: false, defaultTenant: "eu" })];
    return renderApp(
      {
        ...base,
        "session.whoami": () => ({ ...(base["session.whoami"]?.({}) as object), profile: profiles().find((p) => p.active) ?? null }) as never,
        "profiles.list": () => ({ profiles: profiles() }),
        "profiles.switch": ({ id }) => {
          active = id;
          return profiles().find((p) => p.id === id) as never;
        },
        "tenants.list": () => {
          if (active === "p2") throw new GatehouseError({ code: "CORE_UNREACHABLE", message: "Cannot reach the SuperTokens Core at http://dead:3567." });
          return { tenants: [{ tenantId: "public" }, { tenantId: "acme" }] };
        },
        "roles.list": () => {
          if (active === "p2") throw new GatehouseError({ code: "CORE_UNREACHABLE", message: "Cannot reach the SuperTokens Core at http://dead:3567." });
          return (base["roles.list"] as () => never)();
        },
      },
      "#/roles",
    );
  }

  const options = (picker: HTMLElement) => [...picker.querySelectorAll("option")].map((o) => o.value);

  it("drops the previous profile's tenants and shows why the dead profile has only its default", async () => {
    const { stores } = twoProfiles();
    const picker = await screen.findByTestId("tenant-picker");
    await waitFor(() => expect(options(picker)).toEqual(["public", "acme"]));
    fireEvent.change(picker, { target: { value: "acme" } });
    expect(stores.tenants.getState().selected).toBe("acme");

    window.location.hash = "#/connections";
    const dead = (await screen.findAllByTestId("profile-row")).find((r) => r.textContent?.includes("Dead")) as HTMLElement;
    fireEvent.click(within(dead).getByTestId("profile-switch"));
    await waitFor(() => expect(stores.session.getState().whoami?.profile?.id).toBe("p2"));
    await waitFor(() => expect(stores.tenants.getState().status).toBe("error"));

    window.location.hash = "#/roles";
    const after = await screen.findByTestId("tenant-picker");
    expect(options(after)).toEqual(["eu"]);
    expect((after as HTMLSelectElement).value).toBe("eu");
    const error = screen.getByTestId("tenant-picker-error");
    expect(error.textContent).toContain("Cannot reach the SuperTokens Core at http://dead:3567.");
    expect(after.getAttribute("aria-describedby")).toBe(error.id);
  });

  it("ignores a late answer from the previous profile's Core", async () => {
    let release: (v: { tenants: { tenantId: string }[] }) => void = () => {};
    let calls = 0;
    const transport = fakeTransport({
      "tenants.list": () => {
        calls += 1;
        if (calls === 1) return new Promise((resolve) => (release = resolve));
        throw new GatehouseError({ code: "CORE_UNREACHABLE", message: "down" });
      },
    });
    const tenants = createTenantsStore(createClient(transport));
    const first = tenants.getState().load("public");
    await tenants.getState().load("eu");
    release({ tenants: [{ tenantId: "public" }, { tenantId: "acme" }] });
    await first;
    expect(tenants.getState()).toMatchObject({ status: "error", tenants: [], selected: "eu" });
  });
});
