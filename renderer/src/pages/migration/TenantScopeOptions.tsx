/** The options of a "which tenant's users" select on the Migration screen: every tenant, or one of the Core's. */
import { useStore } from "zustand";
import { useStores } from "../../app/StoresContext.tsx";

export function TenantScopeOptions() {
  const tenantList = useStore(useStores().tenants, (s) => s.tenants);
  return (
    <>
      <option value="">every tenant</option>
      {tenantList.map((t) => (
        <option key={t} value={t}>
          {t}
        </option>
      ))}
    </>
  );
}
