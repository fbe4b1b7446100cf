import { AsyncLocalStorage } from "node:async_hooks";

/** Where and how one Core call goes: the profile's Core URIs, key and timeout. */
export interface CoreTarget {
  uris: string[];
  apiKey: string | undefined;
  timeoutMs: number;
}

/**
 * supertokens-node is one process-wide instance configured once; the Core each call goes to is
 * carried alongside the call instead, so calls for different profiles never mix.
 */
export const coreCallContext = new AsyncLocalStorage<CoreTarget>();
