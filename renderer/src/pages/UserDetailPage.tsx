/** One user: summary, login methods, metadata, roles per tenant, sessions, delete. */
import { useEffect } from "react";
import { useStore } from "zustand";
import { useStores } from "../app/StoresContext.tsx";
import { PhoneNumber } from "../components/PhoneNumber.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { DeleteUserSection } from "./user/DeleteUserSection.tsx";
import { MetadataSection } from "./user/MetadataSection.tsx";
import { SecondFactorSection } from "./user/SecondFactorSection.tsx";
import { SessionsSection } from "./user/SessionsSection.tsx";
import { UserRolesSection } from "./user/UserRolesSection.tsx";
import { UserSummary } from "./user/UserSummary.tsx";

export function UserDetailPage({ userId }: { userId: string }) {
  const { userDetail } = useStores();
  const state = useStore(userDetail);

  useEffect(() => {
    void userDetail.getState().open(userId);
  }, [userDetail, userId]);

  const user = state.userId === userId ? state.user : null;
  const email = user?.loginMethods.find((m) => m.email)?.email;
  const phone = user?.loginMethods.find((m) => m.phoneNumber)?.phoneNumber;
  return (
    <section className="page" aria-labelledby="user-title" data-testid="user-detail">
      <header className="page__header">
        <a href="#/users" className="back-link">
          ← Users
        </a>
        <h1 id="user-title" className="ellipsis">
          {email ?? (phone ? <PhoneNumber phone={phone} /> : userId)}
        </h1>
        <button type="button" className="icon-button" aria-label="Reload user" onClick={() => void state.open(userId)}>
          ↻
        </button>
      </header>
      {state.error && state.userId === userId ? <ErrorBanner error={state.error} title="Could not load the user" onRetry={() => void state.reload()} /> : null}
      {!user && state.status === "loading" ? <Spinner label="Loading user…" /> : null}
      {user ? (
        <div className="stack">
          <UserSummary user={user} />
          <MetadataSection metadata={user.metadata} />
          <UserRolesSection user={user} />
          <SecondFactorSection user={user} />
          <SessionsSection />
          <DeleteUserSection user={user} />
        </div>
      ) : null}
    </section>
  );
}
