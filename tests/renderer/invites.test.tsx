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

function handlers(role: OperatorRole): Handlers {
  return {
    ...sessionHandlers(role),
    "invites.list": () => ({ invites: [row("pending", "p1"), row("accepted", "a1"), row("revoked", "r1")] }),
    "invites.outbox.list": () => ({
      entries: [{ id: 7, createdAt: 1, tenantId: "public", userId: "s1", to: "+12015550123", channel: "sms", subject: "SMS invite", text: `Join: ${LINK}`, link: LINK, linkExpiresAt: 2, handledAt: null }],
    }),
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
    expect(screen.getByTestId("invite-countdown").textContent).toMatch(/expires in 1[45]:\d\d/);
    expect(transport.callsOf("invites.create").at(-1)).toEqual({ tenantId: "public", roles: [], email: "alice@example.com" });
    fireEvent.click(screen.getByTestId("invite-link-copy"));
    await waitFor(() => expect(screen.getByTestId("invite-link-copy").textContent).toMatch(/Copied|Copy/));
  });

  it("lists invites with status badges; admin may resend and revoke open ones, and sees the settings", async () => {
    renderApp(handlers("admin"), "#/invites");
    await screen.findAllByTestId("invite-row");
    expect(screen.getAllByTestId("invite-status").map((s) => s.textContent)).toEqual(["pending", "accepted", "revoked"]);
    expect(screen.getAllByTestId("invite-revoke")).toHaveLength(1);
    expect(screen.getAllByTestId("invite-resend")).toHaveLength(2);
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

  it("gives support resend only: no invite form, no revoke, no settings", async () => {
    renderApp(handlers("support"), "#/invites");
    await screen.findAllByTestId("invite-row");
    expect(screen.queryByTestId("invite-form")).toBeNull();
    expect(screen.queryAllByTestId("invite-revoke")).toHaveLength(0);
    expect(screen.getAllByTestId("invite-resend").length).toBeGreaterThan(0);
    expect(screen.queryByTestId("invite-settings-toggle")).toBeNull();
    expect(screen.queryByTestId("outbox-mark")).toBeNull();
  });
});
