/** LegacyAuth's defaults that its clients need too (the demo app), without loading the service. */

/** The bearer token when none is given on the command line: for the demo only. */
export const DEFAULT_LEGACY_TOKEN = "legacy-dev-token";
