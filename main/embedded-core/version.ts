/**
 * What the embedded core claims to be. Behaviour throughout main/embedded-core/ was matched
 * against SuperTokens Core 11.4.7 (plugin interface 8.5.0) talking to supertokens-node 24.0.3,
 * using the recordings in shared/core-fixtures/ and the Core's source.
 */
export const MATCHED_CORE_VERSION = "11.4.7";

/** The CDI versions Core 11.4.7 advertises on GET /apiversion, in the order it lists them. */
export const CDI_VERSIONS: readonly string[] = [
  "2.14", "2.13", "2.12", "2.11", "2.10", "2.21", "2.20", "2.19", "2.18", "2.17", "3.0", "2.16",
  "3.1", "4.0", "2.15", "5.0", "5.1", "5.2", "5.3", "2.7", "5.4", "2.8", "2.9",
];

export const MAX_CDI_VERSION = "5.4";
