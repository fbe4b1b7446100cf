// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Transport } from "../../shared/contract/client.ts";
import { chooseTransport, TOKEN_KEY, type BrowserEnvironment } from "../../renderer/src/api/transport.ts";
import { NoTokenScreen } from "../../renderer/src/app/NoTokenScreen.tsx";

afterEach(cleanup);

function env(hash: string, stored: string | null = null, gatehouse?: Transport) {
  const storage = new Map<string, string>(stored ? [[TOKEN_KEY, stored]] : []);
  const replaceState = vi.fn();
  const environment: BrowserEnvironment = {
    location: { origin: "http://127.0.0.1:4321", pathname: "/", search: "", hash },
    sessionStorage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    history: { replaceState },
    ...(gatehouse ? { gatehouse } : {}),
  };
  return { environment, storage, replaceState };
}

describe("transport selection", () => {
  it("uses the Electron preload's bridge when there is one", () => {
    const bridge: Transport = { invoke: vi.fn(), subscribe: vi.fn() };
    const choice = chooseTransport(env("#token=abc", null, bridge).environment);
    expect(choice).toEqual({ kind: "electron", transport: bridge });
  });

  it("takes the token from the URL once, keeps it in sessionStorage and removes it from the address", () => {
    const { environment, storage, replaceState } = env("#token=s3cret");
    expect(chooseTransport(environment).kind).toBe("browser");
    expect(storage.get(TOKEN_KEY)).toBe("s3cret");
    expect(replaceState).toHaveBeenCalledWith(null, "", "/#/users");
  });

  it("uses the stored token on reload", () => {
    const { environment, replaceState } = env("#/roles", "s3cret");
    expect(chooseTransport(environment).kind).toBe("browser");
    expect(replaceState).not.toHaveBeenCalled();
  });

  it("asks for the printed URL when there is no token", () => {
    expect(chooseTransport(env("").environment)).toEqual({ kind: "no-token" });
    render(<NoTokenScreen />);
    expect(screen.getByTestId("no-token").textContent).toContain("Open the link Gatehouse printed");
  });
});
