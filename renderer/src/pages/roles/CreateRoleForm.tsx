/** Creating a role with its permissions (roles:write). */
import { useId, useState } from "react";
import { roleNameProblem } from "../../../../shared/role-name.ts";
import { fieldError } from "../../api/errors.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ChipsEditor } from "../../components/ChipsEditor.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";

export function CreateRoleForm({ onDone }: { onDone: () => void }) {
  const { roles, ui } = useStores();
  const [name, setName] = useState("");
  const [permissions, setPermissions] = useState<string[]>([]);
  const create = useAsyncAction(async () => {
    await roles.getState().create(name.trim(), permissions);
    ui.getState().notify(`Role ${name.trim()} created`);
    onDone();
  });
  // Checked as the operator types (the same rule main applies), so a bad name never reaches the Core.
  const typedProblem = name.trim() === "" ? null : roleNameProblem(name.trim());
  const nameError = typedProblem ?? fieldError(create.error, "role");
  const errorId = useId();
  return (
    <form
      className="card form"
      aria-label="Create a role"
      data-testid="role-create-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!typedProblem) void create.run();
      }}
      onKeyDown={(e) => e.key === "Escape" && onDone()}
    >
      <h2>New role</h2>
      <label className="field">
        <span className="field__label">Name</span>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus
          aria-invalid={Boolean(nameError)}
          aria-describedby={nameError ? errorId : undefined}
          data-testid="role-name"
        />
        {nameError ? (
          <span className="field__error" id={errorId} data-testid="field-error">
            {nameError}
          </span>
        ) : (
          <span className="field__hint">Letters, digits and - _ . : / — no spaces.</span>
        )}
      </label>
      <div className="field">
        <span className="field__label">Permissions</span>
        <ChipsEditor values={permissions} label="Permissions of the new role" editable onAdd={(p) => setPermissions((ps) => [...ps, p])} onRemove={(p) => setPermissions((ps) => ps.filter((x) => x !== p))} placeholder="e.g. users:read, then Enter" />
      </div>
      <p className="field__hint">Roles exist in every tenant; who holds them is per tenant.</p>
      {create.error && !nameError ? <ErrorBanner error={create.error} title="Could not create the role" /> : null}
      <div className="dialog-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button--primary" disabled={!name.trim() || typedProblem !== null || create.pending} data-testid="role-create-submit">
          {create.pending ? "Creating…" : "Create role"}
        </button>
      </div>
    </form>
  );
}
