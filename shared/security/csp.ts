/**
 * The renderer's Content-Security-Policy, one declaration for every place that sets it: browser
 * mode's HTTP headers, the Electron protocol's headers, and the meta tag in the built page.
 * Only our own scripts, no inline script, no plugins, no framing, no form posts, and network
 * access only back to where the page came from. Inline styles are allowed because React's
 * `style` props (the virtualized tables) need them.
 */
export const RENDERER_CSP_DIRECTIVES: readonly string[] = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
];

export const RENDERER_CSP = RENDERER_CSP_DIRECTIVES.join("; ");

/** A meta tag cannot carry frame-ancestors (browsers ignore it there, with a warning). */
export const RENDERER_CSP_META = RENDERER_CSP_DIRECTIVES.filter((d) => !d.startsWith("frame-ancestors")).join("; ");
