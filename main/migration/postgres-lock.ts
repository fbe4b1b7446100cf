/**
 * On PostgreSQL, what writes a profile's roster, index or classification holds this lock (by
 * lockFor, until its transaction ends), so that two instances never interleave a roster
 * replacement, an index replacement or a refresh's write with a classification that reads both.
 */
export const profileLock = (profileId: string) => `migration-data:${profileId}`;
