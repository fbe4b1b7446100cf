/** What "Test connection" found: reachability, CDI versions, support, tenants. */
import type { ProfileTestResult } from "../../stores/types.ts";

const sortVersions = (versions: string[]): string[] =>
  [...versions].sort((a, b) => {
    const [a1 = 0, a2 = 0] = a.split(".").map(Number);
    const [b1 = 0, b2 = 0] = b.split(".").map(Number);
    return a1 - b1 || a2 - b2;
  });

export function TestResultView({ result }: { result: ProfileTestResult }) {
  const good = result.reachable && result.supported;
  return (
    <div className={good ? "test-result test-result--ok" : "test-result test-result--bad"} role="status" data-testid="profile-test-result">
      <p className="test-result__headline">
        {good ? "✓ Connected" : result.reachable ? "✗ Reachable, but not supported" : "✗ Not reachable"}
        {result.uri ? <span className="mono"> — {result.uri}</span> : null}
      </p>
      <p>{result.message}</p>
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
