// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { InviteRow, InviteSettings } from "../../shared/contract/operations/invites.ts";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import { sessionHandlers, type Handlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

const LINK = "http://localhost:3000/auth/verify?preAuthSessionId=abc&tenantId=public#code123";
const row = (status: InviteRow["status"], userId: string): InviteRow => ({
  userId,
  tenantId: "public",
  email: `${userId}@example.com`,
  phoneNumber: null,
  invitedAt: 1_700_000_000_000,
  invitedBy: "tester",
  acceptedAt: status === "accepted" ? 1_700_000_100_000 : null,
  status,
  linkExpiresAt: 1_700_000_900_000,
  delivery: "sent",
  deliveryError: null,
  revokedAt: status === "revoked" ? 1_700_000_200_000 : null,
});

const counts = { all: 3, pending: 1, accepted: 1, "link-expired": 0, revoked: 1 };
const synced = { syncedAt: 1_700_000_000_000, scanned: 10, found: 3, truncated: false };
const SMS = { id: 7, createdAt: 1, tenantId: "public", userId: "s1", to: "+12015550123", channel: "sms" as const, subject: "SMS invite", text: `Join:\n${LINK}\nSee you`, link: LINK, linkExpiresAt: 2, handledAt: null };

function handlers(role: OperatorRole): Handlers {
  return {
    ...sessionHandlers(role),
    "invites.list": () => ({ invites: [row("pending", "p1"), row("accepted", "a1"), row("revoked", "r1")], total: 3, counts, sync: synced }),
    "invites.outbox.list": () => ({ entries: [role === "auditor" ? { ...SMS, link: null, text: "Join:\n[sign-in link hidden]\nSee you" } : SMS], total: 1 }),
    "invites.create": (i) => {
      if (i.email === "bad") throw new GatehouseError({ code: "VALIDATION", field: "email", message: 'email: "bad" is not an email address.' });
      return { status: "invited", userId: "new-user", link: LINK, expiresAt: Date.now() + 15 * 60_000, delivery: "sent", messageId: "<m@x>" };
    },
  };
}

describe("Invites page", () => {
  it("invites by email and shows the link with its expiry and a copy button", async () => {
    const { transport } = renderApp(handlers("admin"), "#/invites");
    const email = await screen.findByTestId("invite-email");
    fireEvent.change(email, { target: { value: "bad" } });
    fireEvent.click(screen.getByTestId("invite-submit"));
    expect(await screen.findByText('"bad" is not an email address.')).toBeTruthy();

    fireEvent.change(email, { target: { value: "alice@example.com" } });
    fireEvent.click(screen.getByTestId("invite-submit"));
    const link = (await screen.findByTestId("invite-link")) as HTMLInputElement;
    expect(link.value).toBe(LINK);
    expect(screen.getByTestId("invite-countdown").textContent).toMatch(/^1[45]:\d\d left$/);
    expect(screen.getByTestId("invite-result").textContent).toMatch(/works for 1[45]:\d\d left \(until .*\)\. If it expires before they use it, send a new one/);
    // Sent: the form is empty for the next person.
    expect((screen.getByTestId("invite-email") as HTMLInputElement).value).toBe("");
    expect(transport.callsOf("invites.create").at(-1)).toEqual({ tenantId: "public", roles: [], email: "alice@example.com" });
    fireEvent.click(screen.getByTestId("invite-link-copy"));
    await waitFor(() => expect(screen.getByTestId("invite-link-copy").textContent).toMatch(/Copied|Copy/));
  });

  it("lists invites with status badges; admin may resend and revoke open ones, and sees the settings", async () => {
    renderApp(handlers("admin"), "#/invites");
    await screen.findAllByTestId("invite-row");
    expect(screen.getAllByTestId("invite-status").map((s) => s.textContent)).toEqual(["pending", "accepted", "revoked"]);
    expect(screen.getAllByTestId("invite-revoke")).toHaveLength(1);
    expect(screen.getAllByTestId("invite-resend")).toHaveLength(1);
    expect(screen.getAllByTestId("outbox-row")).toHaveLength(1);
    expect(screen.getByTestId("outbox-row").textContent).toMatch(/\+12015550123 \(text message,.*Message: SMS invite/);
    expect(screen.getByTestId("invite-settings-toggle")).toBeTruthy();
  });

  it("edits the SMS template in the invite settings, shows the refusal next to the field, and saves with Ctrl+Enter", async () => {
    const sms = "You are invited to {{appUrl}}:\n{{link}}";
    let stored: InviteSettings = {
      appUrl: "http://localhost:3000",
      websiteBasePath: "/auth",
      defaultRegion: "US",
      smtp: null,
      hasPassword: false,
      template: { subject: "You are invited", text: "Open {{link}}" },
      smsTemplate: sms,
    };
    const { transport } = renderApp(
      {
        ...handlers("admin"),
        "invites.settings.get": () => stored,
        "invites.settings.update": (i) => {
          if (i.smsTemplate !== undefined && !i.smsTemplate.includes("{{link}}")) {
            throw new GatehouseError({ code: "VALIDATION", field: "smsTemplate", message: "smsTemplate: the SMS template must contain {{link}}" });
          }
          stored = { ...stored, ...(i.smsTemplate !== undefined ? { smsTemplate: i.smsTemplate } : {}) };
          return stored;
        },
      },
      "#/invites",
    );
    fireEvent.click(await screen.findByTestId("invite-settings-toggle"));
    const field = (await screen.findByTestId("invite-settings-sms-template")) as HTMLTextAreaElement;
    expect(field.value).toBe(sms);
    expect(screen.getByLabelText(/^SMS text/)).toBe(field);
    expect(document.getElementById(field.getAttribute("aria-describedby") ?? "")?.textContent).toMatch(/\{\{link\}\} \(required\).*\{\{phoneNumber\}\}/);

    fireEvent.change(field, { target: { value: "Join {{appUrl}} now" } });
    fireEvent.click(screen.getByTestId("invite-settings-save"));
    expect((await screen.findByTestId("invite-settings-sms-template-error")).textContent).toBe("the SMS template must contain {{link}}");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.getAttribute("aria-describedby")).toContain(screen.getByTestId("invite-settings-sms-template-error").id);

    fireEvent.change(field, { target: { value: "Join {{appUrl}}: {{link}}" } });
    fireEvent.keyDown(field, { key: "Enter", ctrlKey: true });
    await waitFor(() => expect(screen.queryByTestId("invite-settings-sms-template-error")).toBeNull());
    expect(transport.callsOf("invites.settings.update").at(-1)).toMatchObject({ smsTemplate: "Join {{appUrl}}: {{link}}", template: stored.template });
    expect(stored.smsTemplate).toBe("Join {{appUrl}}: {{link}}");
    expect(field.getAttribute("aria-invalid")).toBe("false");
  });

  it("gives support resend and mark-handled: no invite form, no revoke, no settings", async () => {
    const { transport } = renderApp(handlers("support"), "#/invites");
    await screen.findAllByTestId("invite-row");
    expect(screen.queryByTestId("invite-form")).toBeNull();
    expect(screen.queryAllByTestId("invite-revoke")).toHaveLength(0);
    expect(screen.getAllByTestId("invite-resend").length).toBeGreaterThan(0);
    expect(screen.queryByTestId("invite-settings-toggle")).toBeNull();
    fireEvent.click(screen.getByTestId("outbox-mark"));
    await waitFor(() => expect(transport.callsOf("invites.outbox.markHandled").at(-1)).toEqual({ ids: [7] }));
  });

  it("shows an auditor the outbox without links and with the phone masked", async () => {
    renderApp(handlers("auditor"), "#/invites");
    const entry = await screen.findByTestId("outbox-row");
    expect(screen.getByTestId("outbox-link-hidden")).toBeTruthy();
    expect(screen.queryByTestId("outbox-link")).toBeNull();
    expect(entry.textContent).not.toContain(LINK);
    expect(entry.textContent).not.toContain("+12015550123");
    expect(screen.queryByTestId("outbox-mark")).toBeNull();
    expect(screen.queryByTestId("invite-form")).toBeNull();
  });

  it("keeps a message's line breaks for copying", async () => {
    renderApp(handlers("admin"), "#/invites");
    await screen.findByTestId("outbox-row");
    const message = screen.getByTestId("outbox-message") as HTMLTextAreaElement;
    expect(message.tagName).toBe("TEXTAREA");
    expect(message.value).toBe(`Join:\n${LINK}\nSee you`);
  });

  it("says when the person has an account a link cannot reach, and offers no link", async () => {
    const { transport } = renderApp(
      {
        ...handlers("admin"),
        "invites.create": () => ({
          status: "exists",
          userId: "u-ada",
          loginMethods: ["emailpassword"],
          canSendLink: false,
          detail: "ada@example.com already has an account that signs in with email and password (user u-ada). A sign-in link would create a second, separate account, so nothing was sent.",
        }),
      },
      "#/invites",
    );
    fireEvent.change(await screen.findByTestId("invite-email"), { target: { value: "ada@example.com" } });
    fireEvent.click(screen.getByTestId("invite-submit"));
    const notice = await screen.findByTestId("invite-exists");
    expect(notice.textContent).toMatch(/would create a second, separate account, so nothing was sent/);
    expect(screen.queryByTestId("invite-exists-resend")).toBeNull();
    expect(transport.callsOf("invites.resend")).toHaveLength(0);
    // What was typed stays, to correct it.
    expect((screen.getByTestId("invite-email") as HTMLInputElement).value).toBe("ada@example.com");
  });

  it("revokes after an in-app confirmation (never the browser's), naming what happens", async () => {
    const confirm = window.confirm;
    window.confirm = () => {
      throw new Error("window.confirm must not be used");
    };
    try {
      const { transport } = renderApp({ ...handlers("admin"), "invites.revoke": () => ({ revoked: true, outboxRemoved: 1 }) }, "#/invites");
      fireEvent.click(await screen.findByTestId("invite-revoke"));
      const dialog = await screen.findByTestId("revoke-dialog");
      expect(dialog.textContent).toMatch(/stop working at once/);
      expect(transport.callsOf("invites.revoke")).toHaveLength(0);
      fireEvent.click(screen.getByTestId("confirm-button"));
      await waitFor(() => expect(transport.callsOf("invites.revoke")).toEqual([{ userId: "p1" }]));
      await waitFor(() => expect(screen.queryByTestId("revoke-dialog")).toBeNull());
    } finally {
      window.confirm = confirm;
    }
  });

  it("pages through many invites and filters by status", async () => {
    const many = Array.from({ length: 120 }, (_, i) => row("pending", `u${i}`));
    const { transport } = renderApp(
      {
        ...handlers("admin"),
        "invites.list": (i) => {
          const rows = i.status === "accepted" ? [] : many;
          const offset = i.offset ?? 0;
          return { invites: rows.slice(offset, offset + (i.limit ?? 100)), total: rows.length, counts: { ...counts, all: 120, pending: 120, accepted: 0 }, sync: synced };
        },
      },
      "#/invites",
    );
    await waitFor(() => expect(screen.getAllByTestId("invite-row")).toHaveLength(50));
    expect(screen.getByTestId("invites-pager-info").textContent).toMatch(/1–50 of 120/);
    fireEvent.click(screen.getByTestId("invites-pager-next"));
    await waitFor(() => expect(screen.getByTestId("invites-pager-info").textContent).toMatch(/51–100 of 120/));
    fireEvent.click(screen.getByTestId("invites-filter-accepted"));
    await waitFor(() => expect(transport.callsOf("invites.list").at(-1)).toMatchObject({ status: "accepted", offset: 0 }));
    expect(await screen.findByTestId("invites-empty")).toBeTruthy();
  });

  it("looks for invites on the Core the first time a tenant is shown", async () => {
    let sync: typeof synced | null = null;
    const { transport } = renderApp(
      {
        ...handlers("auditor"),
        "invites.list": () => ({ invites: sync ? [row("pending", "found")] : [], total: sync ? 1 : 0, counts: { ...counts, all: sync ? 1 : 0 }, sync }),
        "invites.sync": () => {
          sync = synced;
          return { ...synced, added: 1 };
        },
      },
      "#/invites",
    );
    await waitFor(() => expect(screen.getAllByTestId("invite-row")).toHaveLength(1));
    expect(transport.callsOf("invites.sync")).toEqual([{ tenantId: "public" }]);
    expect(screen.getByTestId("invites-sync-state").textContent).toMatch(/found on the Core/);
  });
});

describe("Invite settings", () => {
  it("shows the refusal of an unknown region next to its field, and drops it once the region is fixed", async () => {
    let stored: InviteSettings = {
      appUrl: "http://localhost:3000",
      websiteBasePath: "/auth",
      defaultRegion: "US",
      smtp: null,
      hasPassword: false,
      template: { subject: "You are invited", text: "Open {{link}}" },
      smsTemplate: "{{link}}",
    };
    renderApp(
      {
        ...handlers("admin"),
        "invites.settings.get": () => stored,
        "invites.settings.update": (i) => {
          if (i.defaultRegion === "XX") throw new GatehouseError({ code: "VALIDATION", field: "defaultRegion", message: 'defaultRegion: "XX" is not a region phone numbers can be read in' });
          stored = { ...stored, ...(i.defaultRegion ? { defaultRegion: i.defaultRegion } : {}) };
          return stored;
        },
      },
      "#/invites",
    );
    fireEvent.click(await screen.findByTestId("invite-settings-toggle"));
    const region = (await screen.findByTestId("invite-settings-defaultRegion")) as HTMLInputElement;
    fireEvent.change(region, { target: { value: "xx" } });
    fireEvent.click(screen.getByTestId("invite-settings-save"));
    expect(await screen.findByText('"XX" is not a region phone numbers can be read in')).toBeTruthy();
    expect(region.getAttribute("aria-invalid")).toBe("true");
    fireEvent.change(region, { target: { value: "GB" } });
    expect(screen.queryByText('"XX" is not a region phone numbers can be read in')).toBeNull();
    expect(region.getAttribute("aria-invalid")).toBe("false");
    fireEvent.click(screen.getByTestId("invite-settings-save"));
    await waitFor(() => expect(stored.defaultRegion).toBe("GB"));
  });
});
