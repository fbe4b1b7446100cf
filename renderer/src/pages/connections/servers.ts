/**
 * The desktop's Gatehouse servers for the Connections page: the list, and add, remove and open
 * through main (each audited there). Opening: the desktop app opens the server in a window of its
 * own; in browser mode main answers openedByMain=false and the page opens a new tab.
 */
import { useCallback, useEffect, useState } from "react";
import type { GatehouseClient } from "../../../../shared/contract/client.ts";
import type { ErrorBody } from "../../../../shared/contract/errors.ts";
import type { ServerView } from "../../../../shared/contract/operations/servers.ts";
import { toErrorBody } from "../../api/errors.ts";

export interface ServersList {
  status: "loading" | "ready" | "error";
  servers: ServerView[];
  error: ErrorBody | null;
  load(): Promise<void>;
  add(input: { name: string; url: string }): Promise<ServerView>;
  remove(id: string): Promise<void>;
  /** Opens the server; resolves with the URL when the page opened it itself (browser mode). */
  open(id: string): Promise<string | null>;
}

export function useServers(client: GatehouseClient): ServersList {
  const [state, setState] = useState<{ status: ServersList["status"]; servers: ServerView[]; error: ErrorBody | null }>({ status: "loading", servers: [], error: null });
  const load = useCallback(async () => {
    try {
      const { servers } = await client.invoke("servers.list", {});
      setState({ status: "ready", servers, error: null });
    } catch (err) {
      setState((s) => ({ ...s, status: "error", error: toErrorBody(err) }));
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load]);
  return {
    ...state,
    load,
    async add(input) {
      const server = await client.invoke("servers.add", input);
      await load();
      return server;
    },
    async remove(id) {
      await client.invoke("servers.remove", { id });
      await load();
    },
    async open(id) {
      const { url, openedByMain } = await client.invoke("servers.open", { id });
      if (openedByMain) return null;
      // noopener: the server's page gets no handle on this console's window (and no referrer).
      window.open(url, "_blank", "noopener,noreferrer");
      return url;
    },
  };
}
