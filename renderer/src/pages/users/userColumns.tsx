/** The users table's columns. */
import type { UserRow } from "../../../../shared/contract/schemas.ts";
import { SecondFactorBadge } from "../../components/SecondFactorBadge.tsx";
import type { Column } from "../../components/VirtualTable.tsx";
import { formatDateTime, isoDate, recipeLabel, recipeShortLabel } from "../../lib/format.ts";

const list = (values: string[]) => (values.length ? <span title={values.join(", ")}>{values.join(", ")}</span> : <span className="muted">—</span>);

export const USER_COLUMNS: Column<UserRow>[] = [
  {
    id: "id",
    header: "User",
    width: "minmax(200px, 1.3fr)",
    render: (u) => (
      <span className="cell-stack">
        <span className="mono" title={u.id}>
          {u.id}
        </span>
        {u.superTokensUserId ? (
          <span className="cell-sub mono" title={`SuperTokens id ${u.superTokensUserId}`}>
            ST {u.superTokensUserId}
          </span>
        ) : null}
      </span>
    ),
  },
  { id: "emails", header: "Emails", width: "minmax(165px, 1.2fr)", render: (u) => list(u.emails) },
  { id: "phones", header: "Phone numbers", width: "140px", render: (u) => list(u.phoneNumbers) },
  {
    id: "methods",
    header: "Methods",
    width: "110px",
    render: (u) => (u.loginMethods.length ? <span title={u.loginMethods.map(recipeLabel).join(", ")}>{u.loginMethods.map(recipeShortLabel).join(", ")}</span> : <span className="muted">—</span>),
  },
  { id: "tenants", header: "Tenants", width: "70px", render: (u) => list(u.tenantIds) },
  { id: "joined", header: "Joined", width: "100px", render: (u) => <time dateTime={new Date(u.timeJoined).toISOString()} title={formatDateTime(u.timeJoined)}>{isoDate(u.timeJoined)}</time> },
  { id: "verified", header: "Verified", width: "70px", render: (u) => (u.emails.length === 0 ? <span className="muted">—</span> : u.emailVerified ? "yes" : <span className="muted">no</span>) },
  { id: "roles", header: "Roles", width: "minmax(90px, 0.8fr)", render: (u) => list(u.roles) },
  { id: "temp", header: "Temp. pw", width: "90px", render: (u) => (u.temporaryPassword ? <span className="badge badge--warn">temporary</span> : <span className="muted">—</span>) },
  {
    id: "second-factor",
    header: "2FA phone",
    width: "minmax(140px, 1fr)",
    render: (u) => <SecondFactorBadge factor={u.secondFactor} />,
  },
];

export const USERS_MIN_WIDTH = 1175;
