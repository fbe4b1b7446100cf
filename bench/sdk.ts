/**
 * supertokens-node is a process-wide singleton and is initialised once, so every core the bench
 * starts listens on the same port, one after the other (see startCoreOnPort).
 */
import { createServer, type AddressInfo } from "node:net";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../main/embedded-core/index.ts";

export function initSdk(connectionURI: string): void {
  supertokens.init({
    framework: "custom",
    supertokens: { connectionURI },
    appInfo: { appName: "gatehouse-bench", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    recipeList: [
      Session.init(),
      Passwordless.init({ contactMethod: "EMAIL_OR_PHONE", flowType: "USER_INPUT_CODE_AND_MAGIC_LINK" }),
      EmailPassword.init(),
    ],
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the embedded core on `port` over `dbFile`; stop it with stopCore before the next one. */
export function startCoreOnPort(port: number, dbFile: string): Promise<RunningEmbeddedCore> {
  return startEmbeddedCore({ port, dbFile });
}

/**
 * Closes a core, then gives the event loop a moment to see its sockets close. Otherwise the
 * fetch pool may hand the next core's first request a dead keep-alive socket ("other side
 * closed"), and supertokens-node does not retry that with a single host.
 */
export async function stopCore(core: RunningEmbeddedCore): Promise<void> {
  await core.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
}
