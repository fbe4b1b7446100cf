/**
 * The console's email check is the backend kit's (its invite API applies the same rule), declared
 * once inside the kit's package, which cannot import from outside its folder.
 */
export * from "../backend-kit/email.ts";
