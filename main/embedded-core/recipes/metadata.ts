/**
 * UserMetadata: a JSON object per user id. Any string is a user id (the seeds keep allow-lists
 * under synthetic ids like "emailAllowList"). An update is a shallow merge at the top level:
 * a key set to null is deleted, any other value replaces the old one whole and moves the key
 * to the end of the object, as the Core's JSON object does. App-level; input is checked before a
 * tenant in the path is refused (see Route.checksInHandler).
 */
import type { CoreDeps, Route } from "../context.ts";
import { badRequest, invalidField } from "../http/errors.ts";
import type { JsonObject } from "../http/input.ts";

export class MetadataStore {
  private readonly select;

  constructor(private readonly deps: CoreDeps) {
    this.select = deps.db.prepare("SELECT metadata FROM user_metadata WHERE user_id = ?");
  }

  get(userId: string): JsonObject | undefined {
    const row = this.select.get(userId) as { metadata: string } | undefined;
    return row ? (JSON.parse(row.metadata) as JsonObject) : undefined;
  }

  update(userId: string, update: JsonObject): JsonObject {
    const merged: JsonObject = { ...(this.get(userId) ?? {}) };
    for (const [key, value] of Object.entries(update)) {
      delete merged[key];
      if (value !== null) merged[key] = value;
    }
    this.deps.db
      .prepare(
        "INSERT INTO user_metadata (user_id, metadata, updated_at) VALUES (?, ?, ?) " +
          "ON CONFLICT (user_id) DO UPDATE SET metadata = excluded.metadata, updated_at = excluded.updated_at",
      )
      .run(userId, JSON.stringify(merged), this.deps.now());
    return merged;
  }

  clear(userId: string): void {
    this.deps.db.prepare("DELETE FROM user_metadata WHERE user_id = ?").run(userId);
  }
}

export function metadataRoutes(store: MetadataStore): Route[] {
  return [
    {
      method: "GET",
      path: "/recipe/user/metadata",
      scope: "app",
      checksInHandler: true,
      handler: ({ query, app, appStorages }) => {
        const userId = query.string("userId");
        app();
        appStorages();
        return { metadata: store.get(userId) ?? {}, status: "OK" };
      },
    },
    {
      method: "PUT",
      path: "/recipe/user/metadata",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, app, appStorages }) => {
        const userId = body.string("userId");
        const update = body.object("metadataUpdate");
        app();
        appStorages();
        return { metadata: store.update(userId, update), status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/user/metadata/remove",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, app, appStorages }) => {
        const userId = body.string("userId");
        app();
        appStorages();
        store.clear(userId);
        return { status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/user/metadata/bulk",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, app, publicTenantOnly }) => {
        const ids = body.raw("userIds");
        if (!Array.isArray(ids)) throw invalidField("userIds");
        // The Core answers an empty list before it looks at the tenant in the path at all.
        if (ids.length === 0) return { status: "OK", users: [] };
        if (ids.length > 500) throw badRequest("You can only query up to 500 users at a time.");
        if (ids.some((id) => typeof id !== "string")) throw badRequest("userIds array must contain only strings");
        app();
        publicTenantOnly();
        const users = (ids as string[]).map((userId) => ({ userId, metadata: store.get(userId) ?? null }));
        return { status: "OK", users };
      },
    },
  ];
}
