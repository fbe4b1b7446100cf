/**
 * Adding or editing a connection profile. The API key is write-only: "stored" when there is one,
 * typing replaces it, "Remove key" deletes it. Field errors from the main process show by the field.
 */
import { useState } from "react";
import { OPERATOR_ROLES } from "../../../../shared/contract/permissions.ts";
import type { ProfileView } from "../../../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT, type DataContract } from "../../../../shared/data-contract.ts";
import { fieldError } from "../../api/errors.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { FormField } from "../../components/FormField.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";
import type { ProfileTestResult } from "../../stores/types.ts";
import { CONTRACT_LABELS, emptyForm, formFromProfile, toCreateInput, toTestInput, toUpdateInput, type ProfileFormValues } from "./profileForm.ts";
import { TestResultView } from "./TestResultView.tsx";

interface Props {
  /** The profile being edited; absent when adding one. */
  profile?: ProfileView;
  onDone: (saved: ProfileView) => void;
  onCancel: () => void;
}

export function ProfileForm({ profile, onDone, onCancel }: Props) {
  const { profiles } = useStores();
  const [values, setValues] = useState<ProfileFormValues>(() => (profile ? formFromProfile(profile) : emptyForm()));
  const [tested, setTested] = useState<ProfileTestResult | null>(null);
  const set = <K extends keyof ProfileFormValues>(key: K, value: ProfileFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const setContract = (key: keyof DataContract, value: string) => setValues((v) => ({ ...v, contract: { ...v.contract, [key]: value } }));

  const save = useAsyncAction(async () => {
    const saved = profile ? await profiles.getState().update(toUpdateInput(profile.id, values)) : await profiles.getState().create(toCreateInput(values));
    onDone(saved);
  });
  const test = useAsyncAction(async () => {
    setTested(null);
    setTested(await profiles.getState().test(toTestInput(values, profile?.id)));
  });
  const error = save.error ?? test.error;
  const errorFor = (field: string) => fieldError(error, field);
  const shownByField = error?.code === "VALIDATION" && error.field !== undefined && FIELDS.some((f) => errorFor(f) !== undefined);
  const keyState = values.removeKey ? "will be removed" : values.apiKey ? "will be replaced" : profile?.hasApiKey ? "stored" : "none";

  return (
    <form
      className="card form"
      aria-label={profile ? `Edit profile ${profile.name}` : "Add a connection profile"}
      data-testid="profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
      onKeyDown={(e) => e.key === "Escape" && onCancel()}
    >
      <h2>{profile ? `Edit “${profile.name}”` : "New connection profile"}</h2>
      <div className="form-grid">
        <FormField label="Name" error={errorFor("name")}>
          {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={values.name} onChange={(e) => set("name", e.target.value)} autoFocus data-testid="profile-name" />}
        </FormField>
        <FormField label="Core URIs" hint='One per line, or separated by ";".' error={errorFor("uris")}>
          {(id, describedBy) => <textarea id={id} aria-describedby={describedBy} rows={2} value={values.uris} onChange={(e) => set("uris", e.target.value)} spellCheck={false} data-testid="profile-uris" />}
        </FormField>
        <FormField label="API key" hint={`Write-only: ${keyState}. Typing a key replaces the stored one.`} error={errorFor("apiKey")}>
          {(id, describedBy) => (
            <span className="input-with-button">
              <input
                id={id}
                type="password"
                aria-describedby={describedBy}
                autoComplete="off"
                placeholder={profile?.hasApiKey && !values.removeKey ? "stored — type to replace" : "none"}
                value={values.apiKey}
                onChange={(e) => setValues((v) => ({ ...v, apiKey: e.target.value, removeKey: false }))}
                data-testid="profile-api-key"
              />
              {profile?.hasApiKey ? (
                <button type="button" onClick={() => setValues((v) => ({ ...v, apiKey: "", removeKey: !v.removeKey }))} aria-pressed={values.removeKey} data-testid="profile-api-key-clear">
                  {values.removeKey ? "Keep key" : "Remove key"}
                </button>
              ) : null}
            </span>
          )}
        </FormField>
        <FormField label="Operator role" hint="What this console may do on this Core." error={errorFor("role")}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={values.role} onChange={(e) => set("role", e.target.value as ProfileFormValues["role"])} data-testid="profile-role">
              {OPERATOR_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Default tenant" error={errorFor("defaultTenant")}>
          {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={values.defaultTenant} onChange={(e) => set("defaultTenant", e.target.value)} data-testid="profile-tenant" />}
        </FormField>
        <FormField label="Timeout (ms)" hint="Per Core call; 500 to 120000." error={errorFor("timeoutMs")}>
          {(id, describedBy) => <input id={id} aria-describedby={describedBy} type="number" min={500} max={120000} step={500} value={values.timeoutMs} onChange={(e) => set("timeoutMs", e.target.value)} data-testid="profile-timeout" />}
        </FormField>
      </div>
      <details className="advanced" open={errorFor("contract") !== undefined || undefined}>
        <summary>Advanced: where the app's backend keeps things (data contract)</summary>
        <p className="field__hint">The defaults are the SuperTokens guides' own; change them only if your backend uses other ids or keys.</p>
        <div className="form-grid">
          {(Object.keys(CONTRACT_LABELS) as (keyof DataContract)[]).map((key) => (
            <FormField key={key} label={CONTRACT_LABELS[key]} hint={`Default: ${DEFAULT_DATA_CONTRACT[key]}`} error={errorFor(`contract.${key}`)}>
              {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={values.contract[key]} onChange={(e) => setContract(key, e.target.value)} spellCheck={false} />}
            </FormField>
          ))}
        </div>
        <button type="button" onClick={() => set("contract", { ...DEFAULT_DATA_CONTRACT })}>
          Reset to defaults
        </button>
      </details>
      {error && !shownByField ? <ErrorBanner error={error} title={save.error ? "Could not save the profile" : "Could not test"} /> : null}
      {tested ? <TestResultView result={tested} /> : null}
      <div className="dialog-actions">
        <button type="button" onClick={() => void test.run()} disabled={test.pending} data-testid="profile-test">
          {test.pending ? "Testing…" : "Test connection"}
        </button>
        <span className="toolbar__spacer" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button--primary" disabled={save.pending} data-testid="profile-save">
          {save.pending ? "Saving…" : profile ? "Save changes" : "Add profile"}
        </button>
      </div>
    </form>
  );
}

const FIELDS = ["name", "uris", "apiKey", "role", "defaultTenant", "timeoutMs", "contract"];
