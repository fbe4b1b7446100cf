/** "Verify chain": checks the audit log's hash chain and says whether and where it breaks. */
import { useStore } from "zustand";
import { useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { plural } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";

export function VerifyChain() {
  const { audit } = useStores();
  const result = useStore(audit, (s) => s.verification);
  const verify = useAsyncAction(() => audit.getState().verify());
  return (
    <span className="verify">
      <button type="button" onClick={() => void verify.run()} disabled={verify.pending} data-testid="audit-verify">
        {verify.pending ? "Verifying…" : "Verify chain"}
      </button>
      {result && !verify.pending ? (
        <span className={result.ok ? "verify__result verify__result--ok" : "verify__result verify__result--broken"} role="status" data-testid="audit-verify-result">
          {result.ok ? `✓ Chain intact (${plural(result.checked, "entry", "entries")} checked)` : `✗ Chain broken${result.brokenAtSeq !== null ? ` at #${result.brokenAtSeq}` : ""}: ${result.message}`}
        </span>
      ) : null}
      {verify.error ? <ErrorBanner error={verify.error} title="Could not verify" onDismiss={verify.reset} /> : null}
    </span>
  );
}
