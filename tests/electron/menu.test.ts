import { describe, expect, it, vi } from "vitest";
import { DOCS_URL, menuTemplate } from "../../main/electron/menu.ts";

const roles = (template: ReturnType<typeof menuTemplate>): string[] =>
  template.flatMap((item) => [item.role ?? item.label ?? "", ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]).filter(Boolean) as string[];

describe("application menu", () => {
  it("has the edit roles (copy/paste on macOS) and the macOS app menu", () => {
    const mac = roles(menuTemplate({ platform: "darwin", developer: false, openExternal: vi.fn() }));
    expect(mac).toEqual(expect.arrayContaining(["appMenu", "editMenu", "windowMenu", "close"]));
    const linux = roles(menuTemplate({ platform: "linux", developer: false, openExternal: vi.fn() }));
    expect(linux).not.toContain("appMenu");
    expect(linux).toContain("quit");
  });

  it("offers reload and DevTools to developers only", () => {
    expect(roles(menuTemplate({ platform: "linux", developer: false, openExternal: vi.fn() }))).not.toContain("toggleDevTools");
    expect(roles(menuTemplate({ platform: "linux", developer: true, openExternal: vi.fn() }))).toEqual(expect.arrayContaining(["reload", "toggleDevTools"]));
  });

  it("opens the documentation in the OS browser", () => {
    const openExternal = vi.fn();
    const help = menuTemplate({ platform: "linux", developer: false, openExternal }).find((item) => item.role === "help");
    const docs = Array.isArray(help?.submenu) ? help.submenu[0] : undefined;
    (docs?.click as (() => void) | undefined)?.();
    expect(openExternal).toHaveBeenCalledWith(DOCS_URL);
  });
});
