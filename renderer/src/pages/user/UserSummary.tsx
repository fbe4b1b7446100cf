/** The head of a user's page: ids, joined, tenants, flags, second factor, login methods. */
import { SecondFactorBadge } from "../../components/SecondFactorBadge.tsx";
import { PhoneNumber } from "../../components/PhoneNumber.tsx";
import { formatDateTime, recipeLabel } from "../../lib/format.ts";
import type { UserDetail } from "../../stores/types.ts";
import { InviteStatus } from "./InviteStatus.tsx";

export function UserSummary({ user }: { user: UserDetail }) {
  return (
    <>
      <dl className="facts">
        <div>
          <dt>User id</dt>
          <dd className="mono">{user.id}</dd>
        </div>
        {user.superTokensUserId ? (
          <div>
            <dt>SuperTokens id</dt>
            <dd className="mono">{user.superTokensUserId}</dd>
          </div>
        ) : null}
        <div>
          <dt>Joined</dt>
          <dd>{formatDateTime(user.timeJoined)}</dd>
        </div>
        <div>
          <dt>Tenants</dt>
          <dd>{user.tenantIds.join(", ") || "—"}</dd>
        </div>
        <div>
          <dt>Temporary password</dt>
          <dd>{user.temporaryPassword ? <span className="badge badge--warn">yes — migrated, not reset yet</span> : "no"}</dd>
        </div>
        <div>
          <dt>Second-factor phone</dt>
          <dd>
            <SecondFactorBadge factor={user.secondFactor} />
          </dd>
        </div>
        <InviteStatus metadata={user.metadata} />
      </dl>
      <section className="card" aria-labelledby="login-methods-title">
        <h2 id="login-methods-title">Login methods</h2>
        <table className="table" data-testid="login-methods">
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Email / phone</th>
              <th scope="col">Verified</th>
              <th scope="col">Tenants</th>
              <th scope="col">Joined</th>
              <th scope="col">Recipe user id</th>
            </tr>
          </thead>
          <tbody>
            {user.loginMethods.map((m) => (
              <tr key={`${m.recipeId}-${m.recipeUserId}`}>
                <td>{recipeLabel(m.recipeId)}</td>
                <td>{m.email ?? (m.phoneNumber ? <PhoneNumber phone={m.phoneNumber} /> : "—")}</td>
                <td>{m.verified ? "yes" : "no"}</td>
                <td>{m.tenantIds.join(", ")}</td>
                <td>{formatDateTime(m.timeJoined)}</td>
                <td className="mono">{m.recipeUserId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
