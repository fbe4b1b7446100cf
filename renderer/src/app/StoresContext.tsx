/** Hands the stores (and the client) to the component tree, and the permission check. */
import { createContext, useContext, type ReactNode } from "react";
import { useStore } from "zustand";
import type { Permission } from "../../../shared/contract/permissions.ts";
import type { OperationName } from "../../../shared/contract/index.ts";
import { hasPermission, mayCall } from "../stores/session.ts";
import type { Stores } from "../stores/index.ts";

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error("useStores needs a <StoresProvider> above it.");
  return stores;
}

/** Whether the operator's role allows `permission` (the main process checks again). */
export function useCan(permission: Permission): boolean {
  const { session } = useStores();
  return useStore(session, (s) => hasPermission(s.whoami, permission));
}

/** Whether main lets this operator call `operation` here: for a button whose operation a deployment asks more for than its permission. */
export function useMayCall(operation: OperationName): boolean {
  const { session } = useStores();
  return useStore(session, (s) => mayCall(s.whoami, operation));
}

/** Renders its children only when the role allows `permission`: change buttons stay hidden otherwise. */
export function Can({ permission, children }: { permission: Permission; children: ReactNode }) {
  return useCan(permission) ? <>{children}</> : null;
}

export function useOperatorRole() {
  const { session } = useStores();
  return useStore(session, (s) => s.whoami?.role);
}
