/**
 * A second Gatehouse as a process of its own (started by consoles.ts): its own supertokens-node,
 * store and Core transport, with an admin profile on the Core at GATEHOUSE_CORE_URL. The test
 * drives it over IPC: `invoke` runs an operation through its dispatcher; `naive-add` runs seed
 * 02's addEmailToAllowlist (read the list, append, write it back) through the same process's
 * Core client — the write a console would make without the lease and the merge.
 */
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { startGatehouse } from "../../../main/app.ts";
import { CoreClient } from "../../../main/core/core-client.ts";
import { DEFAULT_DATA_CONTRACT } from "../../../shared/data-contract.ts";

export type ConsoleRequest =
  | { id: number; kind: "invoke"; op: string; input: unknown }
  | { id: number; kind: "naive-add"; metadataId: string; entry: string };

const coreUrl = process.env.GATEHOUSE_CORE_URL ?? "";
const dataDir = process.env.GATEHOUSE_DATA_DIR ?? "";
const send = (message: unknown) => process.send?.(message);

const gatehouse = await startGatehouse({ dataDir, embeddedCore: false, operator: process.env.GATEHOUSE_OPERATOR ?? "second-console" });
const created = await gatehouse.dispatcher.invoke("profiles.create", {
  name: "Shared core",
  uris: [coreUrl],
  role: "admin",
  defaultTenant: "public",
  timeoutMs: 5000,
  contract: { ...DEFAULT_DATA_CONTRACT },
}, gatehouse.desktopCaller());
if (!created.ok) throw new Error(created.error.message);
await gatehouse.dispatcher.invoke("profiles.switch", { id: (created.value as { id: string }).id }, gatehouse.desktopCaller());
const core = new CoreClient({ uris: [coreUrl], apiKey: undefined, timeoutMs: 5000 });

process.on("message", (request: ConsoleRequest) => {
  const run = async () => {
    if (request.kind === "invoke") return gatehouse.dispatcher.invoke(request.op, request.input, gatehouse.desktopCaller());
    const { metadata } = await core.sdk(() => UserMetadata.getUserMetadata(request.metadataId));
    const list = (metadata[DEFAULT_DATA_CONTRACT.allowListKey] as string[] | undefined) ?? [];
    await core.sdk(() => UserMetadata.updateUserMetadata(request.metadataId, { [DEFAULT_DATA_CONTRACT.allowListKey]: [...list, request.entry] }));
    return { ok: true, value: null };
  };
  run().then(
    (envelope) => send({ id: request.id, envelope }),
    (err: unknown) => send({ id: request.id, envelope: { ok: false, error: { code: "INTERNAL", message: String(err) } } }),
  );
});
process.on("disconnect", () => {
  void gatehouse.close().then(() => process.exit(0));
});
send({ ready: true });
