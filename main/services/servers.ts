/**
 * The desktop's Gatehouse servers: connections of kind "Gatehouse server". Each is a name and the
 * server's origin (checked by the contract: shared/server-url.ts); nothing secret is kept here.
 * Opening one is the desktop shell's business (ServerWindows: Electron opens the server in a
 * window of its own); without a shell (browser mode) the page opens the URL in a new tab.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Caller } from "../../shared/contract/caller.ts";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { serverOps, ServerView } from "../../shared/contract/operations/servers.ts";
import type { Handlers } from "../dispatch.ts";
import type { StoreDb } from "../store/database.ts";

/** What the desktop shell does with a server (main/electron/server-windows.ts). */
export interface ServerWindows {
  /** Opens (or brings forward) the server's window; false when it cannot (then the page opens the URL). */
  open(server: { id: string; url: string }): boolean;
  /** Closes the server's window and clears what its browser storage holds (the session cookie). */
  forget(id: string): Promise<void>;
}

export interface ServersDeps {
  db: StoreDb;
  now: () => number;
  /** Absent in browser mode and on a team server. */
  windows?: ServerWindows | undefined;
}

type AddInput = z.output<(typeof serverOps)["servers.add"]["input"]>;

interface ServerRow {
  id: string;
  name: string;
  url: string;
  added_at: number;
}

const view = (r: ServerRow): ServerView => ({ id: r.id, name: r.name, url: r.url, addedAt: r.added_at });

export class ServersService {
  constructor(private readonly deps: ServersDeps) {}

  list(): ServerView[] {
    const rows = this.deps.db.prepare("SELECT * FROM gatehouse_servers ORDER BY name COLLATE NOCASE, id").all() as ServerRow[];
    return rows.map(view);
  }

  get(id: string): ServerView {
    const row = this.deps.db.prepare("SELECT * FROM gatehouse_servers WHERE id = ?").get(id) as ServerRow | undefined;
    if (!row) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no Gatehouse server ${id} (it may have been removed).` });
    return view(row);
  }

  add(input: AddInput): ServerView {
    const { db } = this.deps;
    const sameName = db.prepare("SELECT name FROM gatehouse_servers WHERE name = ? COLLATE NOCASE").get(input.name) as { name: string } | undefined;
    if (sameName) throw new GatehouseError({ code: "CONFLICT", field: "name", message: `A Gatehouse server is already called “${sameName.name}”.` });
    const sameUrl = db.prepare("SELECT name FROM gatehouse_servers WHERE url = ?").get(input.url) as { name: string } | undefined;
    if (sameUrl) throw new GatehouseError({ code: "CONFLICT", field: "url", message: `${input.url} is already in the list, as “${sameUrl.name}”.` });
    const row: ServerRow = { id: randomUUID(), name: input.name, url: input.url, added_at: this.deps.now() };
    db.prepare("INSERT INTO gatehouse_servers (id, name, url, added_at) VALUES (@id, @name, @url, @added_at)").run(row);
    return view(row);
  }

  /** Removing one that is gone already is not an error (two windows, one click each). */
  async remove(id: string): Promise<boolean> {
    const removed = this.deps.db.prepare("DELETE FROM gatehouse_servers WHERE id = ?").run(id).changes > 0;
    // Cleared even when the row was gone: a session left behind by an earlier, interrupted removal goes too.
    await this.deps.windows?.forget(id);
    return removed;
  }

  open(id: string): { url: string; openedByMain: boolean } {
    const server = this.get(id);
    return { url: server.url, openedByMain: this.deps.windows?.open({ id: server.id, url: server.url }) ?? false };
  }
}

/**
 * The servers.* operations. They are the desktop's: a team server's console is itself the place
 * operators reach, and a list kept there would be every operator's to change.
 */
export function serverHandlers(service: ServersService): Pick<Handlers, "servers.list" | "servers.add" | "servers.open" | "servers.remove"> {
  const desktopOnly = (caller: Caller) => {
    if (caller.sessionId !== undefined) {
      throw new GatehouseError({ code: "NOT_FOUND", message: "Gatehouse servers are a desktop's connections; this console is a Gatehouse server itself." });
    }
  };
  return {
    "servers.list": (_i, caller) => ({ servers: caller.sessionId === undefined ? service.list() : [] }),
    "servers.add": (i, caller) => {
      desktopOnly(caller);
      return service.add(i);
    },
    "servers.open": (i, caller) => {
      desktopOnly(caller);
      return service.open(i.id);
    },
    "servers.remove": async (i, caller) => {
      desktopOnly(caller);
      return { removed: await service.remove(i.id) };
    },
  };
}
