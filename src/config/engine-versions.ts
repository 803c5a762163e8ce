import { DATABASE_ENGINES, DatabaseEngine } from "../constructs/database-engines";

/**
 * The minor versions RDS offers for new instances, per supported major. A file may name a major alone ("16": RDS
 * picks its newest minor, and minor upgrades are automatic) or one of these. A minor that is not listed is refused
 * rather than left for `terraform apply` to fail on, so a newly released minor needs a line here before use.
 *
 * Sources (read 2026-11):
 * - PostgreSQL: Amazon RDS for PostgreSQL release notes (https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-versions.html)
 *   and AWS's notice that 14.14-14.17, 15.9-15.12, 16.5-16.8 and 17.1-17.4 can no longer be created from May 2026
 *   (instances move to 14.20, 15.15, 16.11 and 17.7 or higher).
 * - MySQL: "MySQL on Amazon RDS versions", supported minor versions
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html).
 */
export const RDS_MINOR_VERSIONS: Readonly<Record<DatabaseEngine, Readonly<Record<string, readonly string[]>>>> = {
  postgres: {
    "14": ["14.18", "14.19", "14.20", "14.21"],
    "15": ["15.13", "15.14", "15.15", "15.16"],
    "16": ["16.9", "16.10", "16.11", "16.12"],
    "17": ["17.5", "17.6", "17.7", "17.8"],
  },
  mysql: {
    "8.0": ["8.0.40", "8.0.41", "8.0.42", "8.0.43", "8.0.44"],
    "8.4": ["8.4.4", "8.4.5", "8.4.6", "8.4.7"],
  },
};

/** The newest minor version of an engine's newest major, as an example that is valid. */
export function newestMinorVersion(engine: DatabaseEngine): string {
  const majors = DATABASE_ENGINES[engine].majors;
  const minors = RDS_MINOR_VERSIONS[engine][majors[majors.length - 1]] ?? [];
  return minors[minors.length - 1] ?? majors[majors.length - 1];
}

/** Why `version` (of a supported `major`) cannot be created, or undefined when RDS offers it. */
export function minorVersionProblem(engine: DatabaseEngine, major: string, version: string): string | undefined {
  if (version === major) return undefined;
  const offered = RDS_MINOR_VERSIONS[engine][major] ?? [];
  if (offered.includes(version)) return undefined;
  return (
    `"${version}" is not a ${engine} ${major} minor version RDS offers for new instances; ` +
    `expected "${major}" (RDS picks its newest minor) or one of ${offered.join(", ")} ` +
    `(a newer minor is added to src/config/engine-versions.ts)`
  );
}
