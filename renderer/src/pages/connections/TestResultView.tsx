/** What "Test connection" found: reachability, CDI versions, support, tenants. */
import type { ProfileTestResult } from "../../stores/types.ts";

const sortVersions = (versions: string[]): string[] =>
  [...versions].sort((a, b) => {
    const [a1 = 0, a2 = 0] = a.split(".").map(Number);
    const [b1 = 0, b2 = 0] = b.split(".").map(Number);
    return a1 - b1 || a2 - b2;
  });

/** The headline says what is wrong in the operator's words: a key problem is not a version problem. */
const HEADLINES: Record<ProfileTestResult["state"], string> = {
  connected: "✓ Connected",
  unreachable: "✗ Not reachable",
  "key-refused": "✗ API key refused",
  "key-missing": "✗ API key missing",
  incompatible: "✗ Reachable, but this Core's version is not supported",
};

const URI_STATES: Record<ProfileTestResult["state"], string> = {
  connected: "connected",
  unreachable: "not reachable",
  "key-refused": "API key refused",
  "key-missing": "API key missing",
  incompatible: "version not supported",
};

export function TestResultView({ result }: { result: ProfileTestResult }) {
  const good = result.state === "connected";
  return (
    <div className={good ? "test-result test-result--ok" : "test-result test-result--bad"} role="status" data-testid="profile-test-result">
      <p className="test-result__headline" data-testid="profile-test-headline">
        {HEADLINES[result.state]}
        {result.uri ? <span className="mono"> — {result.uri}</span> : null}
      </p>
      <p>{result.message}</p>
      {result.uris.length > 1 ? (
        <ul className="test-result__uris" aria-label="Each Core URI" data-testid="profile-test-uris">
          {result.uris.map((u) => (
            <li key={u.uri}>
              <span className="mono">{u.uri}</span>: {URI_STATES[u.state]}
              {u.state === "connected" ? null : <span className="muted small"> — {u.message}</span>}
            </li>
          ))}
        </ul>
      ) : null}
      <dl className="facts facts--compact">
        <div>
          <dt>CDI versions</dt>
          <dd>{result.cdiVersions.length ? sortVersions(result.cdiVersions).join(", ") : "—"}</dd>
        </div>
        <div>
          <dt>Supported</dt>
          <dd>{result.supported ? "yes" : "no"}</dd>
        </div>
        <div>
          <dt>Tenants</dt>
          <dd>{result.tenants.length ? result.tenants.join(", ") : "—"}</dd>
        </div>
      </dl>
    </div>
  );
}
