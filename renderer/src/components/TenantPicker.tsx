/**
 * Chooses the tenant the Users, Roles, Invites and Allow-lists screens look at (tenants.list).
 * When the Core's tenants cannot be listed it offers the profile's default tenant alone, and says
 * so next to the picker, with a retry.
 */
import { useId } from "react";
import { useStore } from "zustand";
import { useStores } from "../app/StoresContext.tsx";

export function TenantPicker({ onChange }: { onChange?: (tenantId: string) => void }) {
  const { tenants } = useStores();
  const list = useStore(tenants, (s) => s.tenants);
  const selected = useStore(tenants, (s) => s.selected);
  const status = useStore(tenants, (s) => s.status);
  const error = useStore(tenants, (s) => s.error);
  const id = useId();
  const errorId = useId();
  const options = list.includes(selected) ? list : [selected, ...list];
  return (
    <span className="inline-field">
      <label htmlFor={id}>Tenant</label>
      <select
        id={id}
        value={selected}
        disabled={status === "loading"}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => {
          tenants.getState().select(e.target.value);
          onChange?.(e.target.value);
        }}
        data-testid="tenant-picker"
      >
        {options.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      {error ? (
        <span className="inline-field__error" id={errorId} role="alert" data-testid="tenant-picker-error" title={error.message}>
          Tenants could not be listed: {firstSentence(error.message)} Showing the default tenant, {selected}, only.{" "}
          <button type="button" className="link-button" onClick={() => void tenants.getState().load()}>
            Retry
          </button>
        </span>
      ) : null}
    </span>
  );
}

/** The reason, short enough for a toolbar (the whole message is the title). */
const firstSentence = (message: string): string => /^.*?[.!?](?=\s|$)/.exec(message)?.[0] ?? message;
