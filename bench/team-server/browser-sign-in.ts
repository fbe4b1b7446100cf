/**
 * Signing in and loading the first Users page in Chromium, against loading it with a session
 * already open: the real renderer (dist/renderer) served by the team server, each repetition in
 * a new browser context. Measured: open the server's URL without a cookie, fill email and
 * password, submit, until the Users table shows its rows. Baseline: open the URL in a context
 * that holds the session cookie of the sign-in just measured, until the same rows show. The two
 * take turns, so drift hits both alike.
 */
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { CHROMIUM_FLAGS, findChromium } from "../../scripts/find-browser.ts";
import { median } from "../measure.ts";

export interface SignInLoadOptions {
  origin: string;
  email: string;
  password: string;
  /** Text the first row of page 1 must contain (the newest user's email), checked after timing. */
  firstRowText: string;
  /** How many rows page 1 holds (the table's aria-rowcount is that plus its header). */
  pageRows: number;
  warmup: number;
  reps: number;
  log: (line: string) => void;
}

export interface SignInLoadResult {
  signInMs: number;
  openSessionMs: number;
  /** The sign-in request's own time as the page saw it (Resource Timing), for the report. */
  signInRequestMs: number;
}

const VIEWPORT = { width: 1440, height: 900 };
const TIMEOUT_MS = 30_000;

export async function benchSignInLoad(o: SignInLoadOptions): Promise<SignInLoadResult> {
  const browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_FLAGS] });
  try {
    const signIn: number[] = [];
    const open: number[] = [];
    const request: number[] = [];
    for (let i = 0; i < o.warmup + o.reps; i++) {
      const fresh = await signInOnce(browser, o);
      const opened = await openWithSession(browser, o, fresh.cookies);
      if (i < o.warmup) continue;
      signIn.push(fresh.ms);
      open.push(opened);
      request.push(fresh.requestMs);
    }
    const result = { signInMs: median(signIn), openSessionMs: median(open), signInRequestMs: median(request) };
    o.log(
      `Chromium: sign in + page 1 median ${result.signInMs.toFixed(0)} ms (${range(signIn)}), with a session ${result.openSessionMs.toFixed(0)} ms (${range(open)}); ` +
        `the sign-in request itself ${result.signInRequestMs.toFixed(0)} ms`,
    );
    return result;
  } finally {
    await browser.close();
  }
}

type Cookies = Awaited<ReturnType<BrowserContext["cookies"]>>;

async function signInOnce(browser: Browser, o: SignInLoadOptions): Promise<{ ms: number; requestMs: number; cookies: Cookies }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const errors = collectErrors(page);
    const started = performance.now();
    await page.goto(`${o.origin}/`, { waitUntil: "commit" });
    await page.getByTestId("sign-in-email").fill(o.email, { timeout: TIMEOUT_MS });
    await page.getByTestId("sign-in-password").fill(o.password);
    await page.getByTestId("sign-in-submit").click();
    await rowsShown(page, o.pageRows);
    const ms = performance.now() - started;
    await checkPage(page, o, errors, "after signing in");
    const requestMs = await page.evaluate<number>(
      `performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/api/team/sign-in")).map((e) => e.duration)[0] ?? NaN`,
    );
    return { ms, requestMs, cookies: await context.cookies() };
  } finally {
    await context.close();
  }
}

async function openWithSession(browser: Browser, o: SignInLoadOptions, cookies: Cookies): Promise<number> {
  const context = await browser.newContext({ viewport: VIEWPORT, storageState: { cookies, origins: [] } });
  try {
    const page = await context.newPage();
    const errors = collectErrors(page);
    const started = performance.now();
    await page.goto(`${o.origin}/`, { waitUntil: "commit" });
    await rowsShown(page, o.pageRows);
    const ms = performance.now() - started;
    await checkPage(page, o, errors, "with a session open");
    return ms;
  } finally {
    await context.close();
  }
}

/**
 * Until the Users table holds page 1 and its first row is in the document. A locator, not
 * waitForFunction: the server's CSP (script-src 'self') refuses the eval that one would need.
 */
async function rowsShown(page: Page, rows: number): Promise<void> {
  await page.locator(`[data-testid="users-table"][aria-rowcount="${rows + 1}"] [data-testid="user-row"]`).first().waitFor({ state: "attached", timeout: TIMEOUT_MS });
}

/** The page showed the same users as the HTTP and desktop calls, and reported no error. */
async function checkPage(page: Page, o: SignInLoadOptions, errors: string[], when: string): Promise<void> {
  const first = (await page.getByTestId("user-row").first().textContent()) ?? "";
  if (!first.includes(o.firstRowText)) throw new Error(`${when}: the first row does not show ${o.firstRowText}: ${first.slice(0, 200)}`);
  if (errors.length > 0) throw new Error(`${when}: the page reported errors: ${errors.join("; ")}`);
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    // Without a cookie the page's session check answers 401 before the sign-in screen: expected.
    if (msg.type() === "error" && !/status of 401\b/.test(msg.text())) errors.push(msg.text());
  });
  return errors;
}

const range = (samples: number[]): string => `${Math.min(...samples).toFixed(0)}–${Math.max(...samples).toFixed(0)} ms over ${samples.length}`;
