/**
 * Limits the contract's schemas enforce that the renderer also shows (a character count, say).
 * Kept free of zod: the renderer imports values from here, and zod's own start-up probe for
 * `new Function` would be a CSP violation in the page.
 */

/** The longest SMS invite template, placeholders unfilled. */
export const SMS_TEMPLATE_MAX = 600;
