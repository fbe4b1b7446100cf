/** The typed client, made once from the chosen transport. */
import { createClient, type GatehouseClient } from "../../../shared/contract/client.ts";
import type { Transport } from "../../../shared/contract/client.ts";

export type { GatehouseClient, Transport };
export type { InputOf, OperationName, OutputOf } from "../../../shared/contract/index.ts";

export const makeClient = (transport: Transport): GatehouseClient => createClient(transport);
