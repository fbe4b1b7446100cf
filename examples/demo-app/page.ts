/** The demo app's pages: one shell (title, a little CSS, the bundled script) around each page's body. */
const shell = (title: string, body: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; }
  label, input, button { display: block; width: 100%; box-sizing: border-box; margin-top: .5rem; font-size: 1rem; }
  input, button { padding: .5rem; }
  #error { color: #b00020; min-height: 1.5em; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
${body}</body>
</html>
`;

/** The sign-in page (web/main.ts). */
export const PAGE_HTML = shell("Gatehouse demo app", `<h1>Gatehouse demo app</h1>
<p id="status">Loading…</p>
<form id="contact-form" hidden>
  <label for="contact">Email or phone number</label>
  <input id="contact" name="contact" autocomplete="username" placeholder="you@example.com or +14155550123" required>
  <button type="submit">Continue</button>
</form>
<form id="otp-form" hidden>
  <label for="otp">Code we sent to <span id="sent-to"></span></label>
  <input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" required>
  <button type="submit">Sign in</button>
  <button type="button" id="restart">Use another email or phone</button>
</form>
<section id="signed-in" hidden>
  <p>Signed in as <strong id="user-id"></strong></p>
  <p id="user-contact"></p>
  <button type="button" id="sign-out">Sign out</button>
</section>
<p id="error" role="alert"></p>
<script type="module" src="/app.js"></script>
`);

/** The 2fa mode's page (web/two-factor.ts): email + password, then an SMS code, then the protected page. */
export const TWO_FACTOR_PAGE_HTML = shell("Gatehouse demo app (2FA)", `<h1>Gatehouse demo app</h1>
<p id="status">Loading…</p>
<form id="first-factor-form" hidden>
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" id="sign-in">Sign in</button>
  <button type="button" id="sign-up">Sign up</button>
</form>
<form id="phone-form" hidden>
  <label for="phone">Phone number for your sign-in codes</label>
  <input id="phone" name="phone" type="tel" autocomplete="tel" placeholder="+14155550123" required>
  <button type="submit">Send code</button>
</form>
<form id="enrolled-form" hidden>
  <p>We will text a code to your phone <strong id="masked-phone"></strong>.</p>
  <button type="submit">Text me a code</button>
</form>
<form id="otp-form" hidden>
  <label for="otp">Code we sent to <span id="sent-to"></span></label>
  <input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" required>
  <button type="submit">Verify</button>
</form>
<section id="protected" hidden>
  <h2>2FA complete</h2>
  <p>Signed in as <strong id="user-email"></strong> (<span id="user-id"></span>)</p>
  <p>Second-factor phone: <strong id="session-phone"></strong></p>
</section>
<button type="button" id="sign-out" hidden>Sign out</button>
<p id="error" role="alert"></p>
<script type="module" src="/app.js"></script>
`);

/** The migration mode's page (web/migration.ts): email + password, forgot password, the reset link's page. */
export const MIGRATION_PAGE_HTML = shell("Gatehouse demo app (migration)", `<h1>Gatehouse demo app</h1>
<p id="status">Loading…</p>
<form id="sign-in-form" hidden>
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" id="sign-in">Sign in</button>
  <button type="button" id="sign-up">Sign up</button>
  <button type="button" id="forgot-link">Forgot your password?</button>
</form>
<form id="forgot-form" hidden>
  <label for="forgot-email">Email</label>
  <input id="forgot-email" name="email" type="email" autocomplete="username" required>
  <button type="submit">Email me a reset link</button>
  <button type="button" id="back-to-sign-in">Back to sign in</button>
</form>
<form id="reset-form" hidden>
  <label for="new-password">New password</label>
  <input id="new-password" name="new-password" type="password" autocomplete="new-password" required>
  <button type="submit">Set new password</button>
</form>
<section id="signed-in" hidden>
  <p>Signed in as <strong id="user-id"></strong></p>
  <p><span id="user-email"></span> (<span id="user-verified"></span>)</p>
  <p>Name: <span id="user-name"></span></p>
  <button type="button" id="sign-out">Sign out</button>
</section>
<p id="error" role="alert"></p>
<script type="module" src="/app.js"></script>
`);
