/** The page for the current route. */
import { lazy, Suspense } from "react";
import { AllowListsPage } from "../pages/AllowListsPage.tsx";
import { AuditPage } from "../pages/AuditPage.tsx";
import { ConnectionsPage } from "../pages/ConnectionsPage.tsx";
import { InvitesPage } from "../pages/InvitesPage.tsx";
import { JobsPage } from "../pages/JobsPage.tsx";
import { OperatorsPage } from "../pages/OperatorsPage.tsx";
import { RolesPage } from "../pages/RolesPage.tsx";
import { SecondFactorPage } from "../pages/SecondFactorPage.tsx";
import { UserDetailPage } from "../pages/UserDetailPage.tsx";
import { UsersPage } from "../pages/UsersPage.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { Spinner } from "../components/Spinner.tsx";
import type { Route } from "./router.ts";

// Its own chunk: the chart library (Recharts) loads when the screen is first opened, not at start-up.
const MigrationPage = lazy(() => import("../pages/MigrationPage.tsx").then((m) => ({ default: m.MigrationPage })));

export function Pages({ route }: { route: Route }) {
  switch (route.page) {
    case "users":
      return <UsersPage />;
    case "user":
      return <UserDetailPage userId={route.userId} />;
    case "roles":
      return <RolesPage />;
    case "invites":
      return <InvitesPage />;
    case "allowlists":
      return <AllowListsPage />;
    case "jobs":
      return <JobsPage />;
    case "second-factor":
      return <SecondFactorPage />;
    case "migration":
      return (
        <Suspense fallback={<Spinner label="Loading the Migration screen…" />}>
          <MigrationPage />
        </Suspense>
      );
    case "audit":
      return <AuditPage />;
    case "connections":
      return <ConnectionsPage />;
    case "operators":
      return <OperatorsPage />;
    case "not-found":
      return (
        <EmptyState title={`There is no page “${route.path}”.`}>
          <a href="#/users">Go to Users</a>
        </EmptyState>
      );
  }
}
