/** Shows an error envelope: its code and message, and what to do about it. */
import type { ErrorBody } from "../../../shared/contract/errors.ts";
import { adviceFor, isConnectionProblem } from "../api/errors.ts";
import { useOperatorRole } from "../app/StoresContext.tsx";

interface Props {
  error: ErrorBody;
  /** What failed, e.g. "Could not load users". */
  title?: string;
  onRetry?: () => void;
  onDismiss?: () => void;
  /** Role named in FORBIDDEN advice; defaults to the operator's. */
  role?: string;
  /** Replaces the advice derived from the code, when the caller knows better. */
  advice?: string;
}

export function ErrorBanner({ error, title, onRetry, onDismiss, role, advice }: Props) {
  return (
    <div className="error-banner" role="alert" data-testid="error-banner" data-code={error.code}>
      <div className="error-banner__text">
        <p className="error-banner__title">
          {title ? `${title}: ` : ""}
          <code className="error-banner__code">{error.code}</code>
        </p>
        <p className="error-banner__message">{error.message}</p>
        <p className="error-banner__advice">
          {advice ?? <RoleAdvice error={error} role={role} />}
          {isConnectionProblem(error) ? (
            <>
              {" "}
              <a href="#/connections">Open Connections</a>
            </>
          ) : null}
        </p>
      </div>
      <div className="error-banner__actions">
        {onRetry ? (
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        ) : null}
        {onDismiss ? (
          <button type="button" className="icon-button" aria-label="Dismiss error" onClick={onDismiss}>
            ×
          </button>
        ) : null}
      </div>
    </div>
  );
}

function RoleAdvice({ error, role }: { error: ErrorBody; role: string | undefined }) {
  const operatorRole = useOperatorRole();
  return <>{adviceFor(error, role ?? operatorRole)}</>;
}
