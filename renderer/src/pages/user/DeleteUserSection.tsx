/** Deleting a user, behind a dialog where the operator types the user's email, phone or id. */
import { useState } from "react";
import { navigate } from "../../app/router.ts";
import { Can, useStores } from "../../app/StoresContext.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import type { UserDetail } from "../../stores/types.ts";

export function DeleteUserSection({ user }: { user: UserDetail }) {
  const { userDetail, users, ui } = useStores();
  const [open, setOpen] = useState(false);
  const identifiers = [...user.loginMethods.flatMap((m) => [m.email, m.phoneNumber]).filter((v): v is string => Boolean(v)), user.id];
  return (
    <Can permission="users:write">
      <section className="card card--danger" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete user</h2>
        <p>Deletes the user with their metadata, roles, user-id mapping and sessions. A separate second-factor Passwordless user is not deleted.</p>
        <button type="button" className="button--danger" onClick={() => setOpen(true)} data-testid="user-delete">
          Delete user…
        </button>
        {open ? (
          <ConfirmDialog
            title="Delete this user?"
            confirmLabel="Delete user"
            typeToConfirm={[...new Set(identifiers)]}
            onCancel={() => setOpen(false)}
            onConfirm={async (typed) => {
              await userDetail.getState().deleteUser(typed);
              ui.getState().notify(`User ${identifiers[0] ?? user.id} deleted`);
              setOpen(false);
              void users.getState().reload();
              navigate("#/users");
            }}
            testId="delete-user-dialog"
          >
            This cannot be undone. <strong className="mono">{user.id}</strong> loses access at once.
          </ConfirmDialog>
        ) : null}
      </section>
    </Can>
  );
}
