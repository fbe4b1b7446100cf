/** Chooses the tenant the Users and Roles screens look at (tenants.list). */
import { useId } from "react";
import { useStore } from "zustand";
import { useStores } from "../app/StoresContext.tsx";

export function TenantPicker({ onChange }: { onChange?: (tenantId: string) => void }) {
  const { tenants } = useStores();
  const list = useStore(tenants, (s) => s.tenants);
  const selected = useStore(tenants, (s) => s.selected);
  const status = useStore(tenants, (s) => s.status);
  const id = useId();
  const options = list.includes(selected) ? list : [selected, ...list];
  return (
    <span className="inline-field">
      <label htmlFor={id}>Tenant</label>
      <select
        id={id}
        value={selected}
        disabled={status === "loading"}
        onChange={(e) => {
          tenants.getState().select(e.target.value);
          onChange?.(e.target.value);
        }}
        data-testid="tenant-picker"
        title={status === "error" ? "Could not list the Core's tenants; showing the profile's default." : undefined}
      >
        {options.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </span>
  );
}
