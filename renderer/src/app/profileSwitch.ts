/** After the active profile changes (switch, edit of the active one, event): refresh what depends on it. */
import type { Stores } from "../stores/index.ts";

export async function refreshAfterProfileChange(stores: Stores, { firstLoad = false }: { firstLoad?: boolean } = {}): Promise<void> {
  await stores.session.getState().load();
  const profile = stores.session.getState().whoami?.profile;
  await stores.tenants.getState().load(profile?.defaultTenant ?? "public");
  // On the first load nothing shown belongs to another profile, and open pages follow the tenant
  // themselves: starting them over would only ask for the same page twice.
  if (firstLoad) return;
  const tenantId = stores.tenants.getState().selected;
  // Pages reload what they show when next visited; the users list and roles start over.
  if (stores.users.getState().status !== "idle") void stores.users.getState().startOver({ tenantId });
  if (stores.roles.getState().status !== "idle") void stores.roles.getState().load(tenantId);
  // Jobs are the profile's own: the list starts over, and a job of the other profile leaves the view.
  if (stores.jobs.getState().status !== "idle") void stores.jobs.getState().profileChanged();
}
