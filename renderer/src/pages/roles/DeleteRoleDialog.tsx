/** Deleting a role: first shows who would lose it in each tenant (roles.deletePreview). */
import { useEffect, useState } from "react";
import { toErrorBody } from "../../api/errors.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Modal } from "../../components/Modal.tsx";
import { Spinner } from "../../components/Spinner.tsx";
import { plural } from "../../lib/format.ts";
import type { DeletePreview } from "../../stores/types.ts";
import type { ErrorBody } from "../../../../shared/contract/errors.ts";


export function DeleteRoleDialog({ role, onClose }: { role: string; onClose: () => void }) {
  const { roles, ui } = useStores();
  const [preview, setPreview] = useState<DeletePreview | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);

  useEffect(() => {
    let current = true;
    roles
      .getState()
      .deletePreview(role)
      .then((p) => current && setPreview(p))
      .catch((err: unknown) => current && setError(toErrorBody(err)));
    return () => {
      current = false;
    };
  }, [roles, role]);

  if (!preview) {
    return (
      <Modal title={`Delete role “${role}”?`} onClose={onClose}>
        {error ? <ErrorBanner error={error} title="Could not see who holds the role" /> : <Spinner label="Finding who holds this role…" />}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </Modal>
    );
  }

  const affected = preview.byTenant.filter((t) => t.users.length > 0);
  const total = affected.reduce((n, t) => n + t.users.length, 0);
  return (
    <ConfirmDialog
      title={`Delete role “${role}”?`}
      confirmLabel="Delete role"
      typeToConfirm={[role]}
      onCancel={onClose}
      onConfirm={async () => {
        await roles.getState().remove(role);
        ui.getState().notify(`Role ${role} deleted`);
        onClose();
      }}
      testId="role-delete-dialog"
    >
      {total === 0 ? (
        <p>No user holds this role in any tenant.</p>
      ) : (
        <>
          <p>
            {plural(total, "user")} will lose this role and its permissions:
          </p>
          <ul className="preview-list" data-testid="role-delete-preview">
            {affected.map((t) => (
              <li key={t.tenantId}>
                <strong>{t.tenantId}</strong> — {plural(t.users.length, "user")}:
                <ul className="preview-list__holders">
                  {t.labelled.map((u) => (
                    <li key={u.id}>
                      {u.label}
                      {u.label !== u.id ? <span className="muted mono small"> {u.id}</span> : null}
                    </li>
                  ))}
                </ul>
                {t.users.length > t.labelled.length ? <span className="muted">and {plural(t.users.length - t.labelled.length, "more user", "more users")}</span> : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </ConfirmDialog>
  );
}
