/** Small display helpers shared by the pages. */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export const formatDateTime = (ms: number): string => dateTime.format(new Date(ms));
export const formatDate = (ms: number): string => dateOnly.format(new Date(ms));

const pad = (n: number) => String(n).padStart(2, "0");
/** Compact, sortable local date for dense tables: 2025-05-17. */
export function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
/** Compact local date and time for dense tables: 2025-05-17 13:31:05. */
export const isoDateTime = (ms: number): string => {
  const d = new Date(ms);
  return `${isoDate(ms)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

const RECIPE_LABELS: Record<string, string> = { emailpassword: "Email & password", passwordless: "Passwordless", thirdparty: "Third party", webauthn: "Passkey" };
export const recipeLabel = (recipeId: string): string => RECIPE_LABELS[recipeId] ?? recipeId;

const RECIPE_SHORT_LABELS: Record<string, string> = { emailpassword: "Password", passwordless: "Passwordless", thirdparty: "Social", webauthn: "Passkey" };
/** For dense table cells; the full label is in the cell's title. */
export const recipeShortLabel = (recipeId: string): string => RECIPE_SHORT_LABELS[recipeId] ?? recipeId;

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** Value for <input type="datetime-local"> from epoch ms, and back (local time). */
export function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return "";
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

export const timestampForFile = (ms: number): string => new Date(ms).toISOString().replace(/[:.]/g, "-").slice(0, 19);
