/** All stores of one renderer, built from one typed client (tests build them with a fake transport). */
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import { createAllowListsStore } from "./allowlists.ts";
import { createAuditStore } from "./audit.ts";
import { createJobsStore } from "./jobs.ts";
import { createOperatorsStore } from "./operators.ts";
import { createProfilesStore } from "./profiles.ts";
import { createRolesStore } from "./roles.ts";
import { createSessionStore } from "./session.ts";
import { createTenantsStore } from "./tenants.ts";
import { createUiStore } from "./ui.ts";
import { createUserDetailStore } from "./userDetail.ts";
import { createUsersStore } from "./users.ts";

export function createStores(client: GatehouseClient) {
  const session = createSessionStore(client);
  return {
    client,
    session,
    tenants: createTenantsStore(client),
    users: createUsersStore(client),
    userDetail: createUserDetailStore(client),
    roles: createRolesStore(client),
    allowLists: createAllowListsStore(client),
    jobs: createJobsStore(client, () => session.getState().whoami?.profile?.id ?? null),
    audit: createAuditStore(client),
    profiles: createProfilesStore(client),
    operators: createOperatorsStore(client),
    ui: createUiStore(),
  };
}

export type Stores = ReturnType<typeof createStores>;
