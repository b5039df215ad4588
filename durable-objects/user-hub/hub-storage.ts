/**
 * The UserHub's SQLite schema, applied step by step and recorded in hub_schema (Durable Objects
 * do not allow PRAGMA user_version), so hubs created by an older version catch up on first use.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE IF NOT EXISTS tickets (ticket TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, at TEXT NOT NULL, payload TEXT NOT NULL);`,
  `ALTER TABLE events ADD COLUMN id TEXT NOT NULL DEFAULT '';
   CREATE TABLE chat_sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE TABLE chat_messages (id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE, role TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL);
   CREATE INDEX chat_messages_session ON chat_messages (session_id, created_at);`,
  `ALTER TABLE chat_sessions ADD COLUMN agent_id TEXT;
   CREATE TABLE chat_tool_calls (id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE, message_id TEXT NOT NULL, agent TEXT NOT NULL, tool TEXT NOT NULL, input TEXT NOT NULL, decision TEXT NOT NULL, result TEXT, error TEXT, created_at TEXT NOT NULL);
   CREATE INDEX chat_tool_calls_session ON chat_tool_calls (session_id, created_at);
   CREATE TABLE chat_grants (session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE, tool TEXT NOT NULL, PRIMARY KEY (session_id, tool));
   CREATE TABLE permission_requests (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, tool TEXT NOT NULL, input TEXT NOT NULL, decision TEXT, created_at TEXT NOT NULL);`,
  `CREATE TABLE failed_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, meter_id TEXT NOT NULL, trigger TEXT NOT NULL, newest_ts TEXT NOT NULL, failed_at TEXT NOT NULL);`,
  `ALTER TABLE chat_messages ADD COLUMN choices TEXT;`,
  `ALTER TABLE chat_tool_calls ADD COLUMN summary TEXT;`,
];

export function migrateHubStorage(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER NOT NULL)");
  const applied = sql.exec<{ version: number }>("SELECT max(version) AS version FROM hub_schema").one().version ?? 0;
  for (let next = applied; next < MIGRATIONS.length; next++) {
    sql.exec(MIGRATIONS[next]);
    sql.exec("INSERT INTO hub_schema (version) VALUES (?)", next + 1);
  }
}
