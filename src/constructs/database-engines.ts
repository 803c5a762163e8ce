/**
 * What the {@link Database} construct knows about each engine it supports: the port, the CloudWatch log exports, the
 * major versions (their parameter group families) and the parameters that force TLS and log slow statements. The
 * environment loader reads the same table to check a file, so the two cannot disagree.
 */
export const DATABASE_ENGINES = {
  postgres: { majors: ["14", "15", "16", "17"], port: 5432, logExports: ["postgresql", "upgrade"] },
  mysql: { majors: ["8.0", "8.4"], port: 3306, logExports: ["error", "slowquery"] },
} as const;
export type DatabaseEngine = keyof typeof DATABASE_ENGINES;
/** The database tier's port while a workspace has no database: PostgreSQL's. */
export const DEFAULT_DATABASE_PORT = DATABASE_ENGINES.postgres.port;

/** The major version a version string belongs to ("16" and "16.4" -> "16"), or undefined when unsupported. */
export function majorVersionOf(engine: DatabaseEngine, version: string): string | undefined {
  return DATABASE_ENGINES[engine].majors.find((m) => version === m || version.startsWith(`${m}.`));
}

/** Parameter group family of a supported major version, e.g. "postgres16" or "mysql8.0". */
export function parameterGroupFamily(engine: DatabaseEngine, major: string): string {
  return `${engine}${major}`;
}

/** Parameters that refuse unencrypted connections and log slow statements. */
export function tlsAndSlowQueryParameters(
  engine: DatabaseEngine,
  slowQueryMs: number,
): { name: string; value: string; applyMethod: string }[] {
  if (engine === "postgres") {
    return [
      { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
      { name: "log_min_duration_statement", value: String(slowQueryMs), applyMethod: "immediate" },
    ];
  }
  return [
    { name: "require_secure_transport", value: "1", applyMethod: "immediate" },
    { name: "slow_query_log", value: "1", applyMethod: "immediate" },
    { name: "long_query_time", value: String(slowQueryMs / 1000), applyMethod: "immediate" },
  ];
}
