/**
 * npm run releases -- <workspace> <service> [--limit N] [--json]
 *
 * Prints a service's releases and rollbacks, newest first, from the workspace's releases table.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  AWS_OPTIONS,
  AWS_OPTIONS_USAGE,
  findService,
  findWorkspace,
  loadProjectEnvironments,
  main,
  UsageError,
  workspaceClientConfig,
} from "./lib/cli";
import { listReleases, ReleaseRecord, releaseTarget } from "./lib/release";

const USAGE = `Usage: npm run releases -- <workspace> <service> [--limit N] [--json] [--no-assume-role]

Prints the releases and rollbacks of a service, newest first: when, the tag and digest, the outcome
(COMPLETED, FAILED, ROLLED_BACK, TIMED_OUT, STARTED, IN_PROGRESS), who released, and why a release failed.

  --limit N          at most N releases (default 20)
  --json             the records as JSON
${AWS_OPTIONS_USAGE}

Exit codes: 0 printed; 1 an AWS error; 2 usage error.`;

function table(records: ReleaseRecord[]): string[] {
  const rows = records.map((r) => [
    r.startedAt.replace("T", " ").replace(/\.\d+Z$/, "Z"),
    r.kind === "rollback" ? `${r.tag} (rollback)` : r.tag,
    r.digest.replace(/^sha256:/, "").slice(0, 12),
    r.outcome,
    duration(r),
    r.caller.replace(/^arn:aws:sts::\d+:assumed-role\//, ""),
  ]);
  const header = ["started", "tag", "digest", "outcome", "took", "by"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const lines = [line(header)];
  records.forEach((r, i) => {
    lines.push(line(rows[i]));
    if (r.reason && r.outcome !== "COMPLETED") lines.push(`    ${r.reason}`);
  });
  return lines;
}

function duration(r: ReleaseRecord): string {
  if (!r.finishedAt) return "";
  const seconds = Math.round((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000);
  return seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)}m`;
}

main(
  {
    usage: USAGE,
    positionals: ["workspace", "service"],
    options: { ...AWS_OPTIONS, limit: { type: "string", default: "20" }, json: { type: "boolean" } },
  },
  async ({ positionals, values }) => {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UsageError(`--limit needs a whole number above 0, got "${values.limit}"`);
    const environments = loadProjectEnvironments();
    const workspace = findWorkspace(environments, positionals[0]);
    const service = findService(workspace, positionals[1]);
    const target = releaseTarget(environments.project.project, workspace, service);
    const dynamodb = new DynamoDBClient(
      workspaceClientConfig(workspace, { assumeRole: !values["no-assume-role"], sessionName: "npm-releases" }),
    );
    const records = await listReleases(dynamodb, target.table, service.name, limit);
    if (values.json) {
      console.log(JSON.stringify(records, null, 2));
    } else if (records.length === 0) {
      console.log(`No releases of ${service.name} in ${workspace.name} yet.`);
    } else {
      console.log(`Releases of ${target.ecsService} (newest first):`);
      table(records).forEach((l) => console.log(l));
    }
    return 0;
  },
);
