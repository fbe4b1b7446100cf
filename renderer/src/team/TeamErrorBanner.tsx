/** A refusal from the team server's own endpoints: its message, and what to do (with the time for a paused sign-in). */
import type { TeamApiError } from "../api/team.ts";

export function teamAdvice(error: TeamApiError, now = Date.now()): string {
  switch (error.code) {
    case "RATE_LIMITED":
      return error.retryAfterSec !== undefined ? `You can try again at ${clock(now + error.retryAfterSec * 1000)}.` : "Wait a few minutes, then try again.";
    case "SIGN_IN_FAILED":
      return "Check the email and password (capitals count). If you forgot the password, ask an admin for a new set-password link.";
    case "LINK_INVALID":
      return "One-time links work once and expire. Ask an admin for a new one.";
    case "UNREACHABLE":
    case "INTERNAL":
    case "DIRECTORY_UNAVAILABLE":
      return "Try again in a moment. If it keeps happening, tell the server's admin.";
    case "CSRF":
      return "Reload the page and try again.";
    default:
      return "";
  }
}

const clock = (ms: number): string => new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function TeamErrorBanner({ error, title, onDismiss }: { error: TeamApiError; title?: string; onDismiss?: () => void }) {
  const advice = teamAdvice(error);
  return (
    <div className="error-banner" role="alert" data-testid="team-error" data-code={error.code}>
      <div className="error-banner__text">
        {title ? <p className="error-banner__title">{title}</p> : null}
        <p className="error-banner__message">{error.message}</p>
        {advice ? <p className="error-banner__advice">{advice}</p> : null}
      </div>
      {onDismiss ? (
        <div className="error-banner__actions">
          <button type="button" className="icon-button" aria-label="Dismiss error" onClick={onDismiss}>
            ×
          </button>
        </div>
      ) : null}
    </div>
  );
}
