/**
 * Adding a Gatehouse server: a name and its address. The address rule (https, http only for this
 * computer, the origin only, no user name or password) is checked here first and again by main;
 * either way the reason shows by the field it is about. Enter adds, Escape cancels.
 */
import { useState } from "react";
import type { ErrorBody } from "../../../../shared/contract/errors.ts";
import type { ServerView } from "../../../../shared/contract/operations/servers.ts";
import { checkServerUrl } from "../../../../shared/server-url.ts";
import { fieldError } from "../../api/errors.ts";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { FormField } from "../../components/FormField.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";

interface Props {
  add: (input: { name: string; url: string }) => Promise<ServerView>;
  onDone: (added: ServerView) => void;
  onCancel: () => void;
}

type Field = "name" | "url";

export function ServerForm({ add, onDone, onCancel }: Props) {
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [local, setLocal] = useState<Partial<Record<Field, string>>>({});
  const save = useAsyncAction(async () => onDone(await add({ name: name.trim(), url: url.trim() })));
  const errorFor = (field: Field) => local[field] ?? byField(save.error, field);
  const shownByField = errorFor("name") !== undefined || errorFor("url") !== undefined;

  const submit = () => {
    const checked = checkServerUrl(url);
    const problems: Partial<Record<Field, string>> = {};
    if (name.trim() === "") problems.name = "a name is required";
    if (!checked.ok) problems.url = checked.message;
    setLocal(problems);
    if (Object.keys(problems).length === 0) void save.run();
  };

  return (
    <form
      className="card form"
      aria-label="Add a Gatehouse server"
      data-testid="server-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onKeyDown={(e) => e.key === "Escape" && onCancel()}
    >
      <h3>New Gatehouse server</h3>
      <p className="subheading">You sign in on the server's own page, and work there with the role the server gives you. Gatehouse keeps its name and address; the server's session stays in its window.</p>
      <div className="form-grid">
        <FormField label="Name" error={errorFor("name")}>
          {(id, describedBy) => <input id={id} aria-describedby={describedBy} aria-invalid={errorFor("name") ? true : undefined} value={name} onChange={(e) => setName(e.target.value)} autoFocus data-testid="server-name" />}
        </FormField>
        <FormField label="Server URL" hint="e.g. https://gatehouse.example.com (http:// only for this computer)" error={errorFor("url")}>
          {(id, describedBy) => (
            <input id={id} type="url" inputMode="url" aria-describedby={describedBy} aria-invalid={errorFor("url") ? true : undefined} value={url} onChange={(e) => setUrl(e.target.value)} spellCheck={false} autoComplete="url" data-testid="server-url" />
          )}
        </FormField>
      </div>
      {save.error && !shownByField ? <ErrorBanner error={save.error} title="Could not add the server" onDismiss={save.reset} /> : null}
      <div className="dialog-actions">
        <span className="toolbar__spacer" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button--primary" disabled={save.pending} data-testid="server-save">
          {save.pending ? "Adding…" : "Add server"}
        </button>
      </div>
    </form>
  );
}

/** main's answer about one field: a VALIDATION ("url: …") or a CONFLICT naming it. */
function byField(error: ErrorBody | null, field: Field): string | undefined {
  if (error?.code === "CONFLICT" && error.field === field) return error.message;
  return fieldError(error, field);
}
