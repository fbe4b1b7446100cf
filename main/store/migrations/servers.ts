/**
 * The desktop's Gatehouse servers (connections of kind "Gatehouse server"): a name and the
 * server's origin. Nothing secret: the operator's session lives in the server window's own
 * browser storage, never here.
 */
export const SERVERS_MIGRATIONS: string[] = [
  `CREATE TABLE gatehouse_servers (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     -- the origin (scheme, host, port), as shared/server-url.ts leaves it
     url TEXT NOT NULL,
     added_at INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX gatehouse_servers_name ON gatehouse_servers (name COLLATE NOCASE);
   CREATE UNIQUE INDEX gatehouse_servers_url ON gatehouse_servers (url);`,
];
