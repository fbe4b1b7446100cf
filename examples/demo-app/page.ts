/** The sign-in page's HTML shell; everything else is web/main.ts. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse demo app</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; }
  label, input, button { display: block; width: 100%; box-sizing: border-box; margin-top: .5rem; font-size: 1rem; }
  input, button { padding: .5rem; }
  #error { color: #b00020; min-height: 1.5em; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<h1>Gatehouse demo app</h1>
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
</body>
</html>
`;
