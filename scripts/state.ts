/**
 * npm run state -- versions|restore <workspace> [--version ID] [--yes] [--no-assume-role]
 *
 * The history of a workspace's Terraform state in the versioned state bucket, and a way back to an earlier
 * version when the current one is damaged or wrong.
 */
import * as readline from "readline";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import { roleArn, stateRoleName } from "../src/naming";
import {
  AWS_OPTIONS,
  AWS_OPTIONS_USAGE,
  AwsClientConfig,
  CommandFailure,
  findWorkspace,
  loadProjectEnvironments,
  main,
  refreshingRoleCredentials,
  UsageError,
} from "./lib/cli";
import { summarizePlan, summaryLine } from "./lib/plan-summary";
import { migrateBootstrapState } from "./lib/bootstrap-migration";
import { PROJECT_ROOT } from "./lib/paths";
import { planWorkspace } from "./lib/stack-plan";
import { readStateHeader, restoreTarget, StateVersion, stateDigest, versionsTable } from "./lib/state-versions";
import { requireTerraform } from "./lib/terraform";

const EXIT_PLAN_CHANGES = 3;
const EXIT_LOCKED = 4;
const EXIT_NOT_CONFIRMED = 5;

const USAGE = `Usage: npm run state -- versions|restore <workspace> [--version ID] [--yes] [--no-assume-role]
       npm run state -- migrate-bootstrap

The workspace's Terraform state lives in the versioned state bucket of the master account; every apply
writes a new version of it.

  versions <workspace>   lists the versions of the workspace's state object, newest first: time, size,
                         the state's serial and lineage (from each version's body; DAMAGED when a body is
                         not a readable state), and the version id. The current version is marked *.
  restore <workspace>    copies one version over the current one (a new version: nothing is lost), updates
                         the digest the backend checks in the lock table, then runs terraform plan and
                         reports what the restored state would change. Refused while the state is locked.
  migrate-bootstrap      after backend: "s3" is set in environments/bootstrap.ts: synthesizes into
                         cdktf.out, moves the first, local bootstrap state (terraform.bootstrap.tfstate)
                         into the bucket (init -migrate-state where the first apply ran, else state push)
                         and plans. Keep the local file until the plan is empty, then delete it.
  --version ID           the version to restore (default: the newest readable version before the current)
  --yes                  do not ask for confirmation (needed when not run from a terminal)
${AWS_OPTIONS_USAGE}
                     (here: the workspace's state role in the master account)

Exit codes: 0 done (after restore or migrate-bootstrap: the plan is empty); 3 done, but the plan wants changes (review them,
then apply or restore another version); 4 the state is locked (an apply is running, or a stale lock:
see "When things go wrong" in the README); 5 not confirmed; 1 AWS or terraform failed; 2 usage error.`;

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError("restore asks for confirmation: run it in a terminal or pass --yes");
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

main(
  {
    usage: USAGE,
    positionals: ["action", "workspace"],
    required: 1,
    options: { ...AWS_OPTIONS, version: { type: "string" }, yes: { type: "boolean" } },
  },
  async ({ positionals, values }) => {
    const [action, name] = positionals;
    if (action === "migrate-bootstrap") {
      if (name !== undefined) throw new UsageError("migrate-bootstrap takes no workspace");
      await requireTerraform();
      const result = await migrateBootstrapState(PROJECT_ROOT, (line) => console.error(line));
      const how = { "migrate-state": "migrated", push: "pushed", "already-there": "already in the bucket" }[result.how];
      console.log(
        `Bootstrap state ${how}; the plan ${result.planEmpty ? "is empty: delete terraform.bootstrap.tfstate" : "WANTS CHANGES: review it before deleting terraform.bootstrap.tfstate"}.`,
      );
      return result.planEmpty ? 0 : EXIT_PLAN_CHANGES;
    }
    if (action !== "versions" && action !== "restore") {
      throw new UsageError(`Unknown action "${action}"; expected versions, restore or migrate-bootstrap`);
    }
    if (name === undefined) throw new UsageError("Missing argument(s): <workspace>");
    if (action === "versions" && values.version) throw new UsageError("--version is for restore");
    const environments = loadProjectEnvironments();
    const { project } = environments;
    const workspace = findWorkspace(environments, name);
    const bucket = project.stateBucketName;
    const key = workspace.stateKey;

    // The state role the workspace's backend assumes, in the master account: the same access terraform has.
    const config: AwsClientConfig = values["no-assume-role"]
      ? { region: project.region }
      : {
          region: project.region,
          credentials: refreshingRoleCredentials(
            new STSClient({ region: project.region }),
            roleArn(project.masterAccountId, stateRoleName(project.project, workspace.name)),
            `${workspace.namePrefix}-state`,
          ),
        };
    const s3 = new S3Client({ ...config, forcePathStyle: !!process.env.AWS_ENDPOINT_URL });
    const dynamo = new DynamoDBClient(config);

    const versions: StateVersion[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, KeyMarker, VersionIdMarker }),
      );
      for (const v of page.Versions ?? []) {
        if (v.Key !== key || !v.VersionId) continue;
        const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: v.VersionId }));
        const header = readStateHeader(await body.Body!.transformToString());
        versions.push({
          versionId: v.VersionId,
          lastModified: v.LastModified ?? new Date(0),
          size: v.Size ?? 0,
          isLatest: v.IsLatest ?? false,
          deleteMarker: false,
          ...header,
        });
      }
      for (const m of page.DeleteMarkers ?? []) {
        if (m.Key !== key || !m.VersionId) continue;
        versions.push({
          versionId: m.VersionId,
          lastModified: m.LastModified ?? new Date(0),
          size: 0,
          isLatest: m.IsLatest ?? false,
          deleteMarker: true,
        });
      }
      KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (KeyMarker);

    if (action === "versions") {
      console.log(`s3://${bucket}/${key}`);
      console.log(versions.length === 0 ? "(no versions)" : versionsTable(versions));
      return 0;
    }

    let target: StateVersion;
    try {
      target = restoreTarget(versions, values.version);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const current = versions.find((v) => v.isLatest);

    // A restore under a running apply would be overwritten by it, or overwrite what it just wrote.
    const lock = await dynamo.send(
      new GetItemCommand({ TableName: project.lockTableName, Key: { LockID: { S: `${bucket}/${key}` } } }),
    );
    const lockfile = await s3
      .send(new HeadObjectCommand({ Bucket: bucket, Key: `${key}.tflock` }))
      .then(() => true)
      .catch((err: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
        if (err.name === "NotFound" || err.$metadata?.httpStatusCode === 404) return false;
        throw err;
      });
    if (lock.Item || lockfile) {
      const info = lock.Item?.Info?.S ? ` (${lock.Item.Info.S})` : "";
      throw new CommandFailure(
        `The state of ${workspace.name} is locked${info}${lockfile ? `; lockfile s3://${bucket}/${key}.tflock exists` : ""}. ` +
          "Wait for the apply that holds it, or clear a stale lock with terraform force-unlock (README: When things go wrong).",
        EXIT_LOCKED,
      );
    }

    console.log(
      `Restore s3://${bucket}/${key}\n  from version ${target.versionId} (${target.lastModified.toISOString()}, serial ${target.serial ?? "?"})\n` +
        `  over the current ${current ? `${current.versionId} (${current.lastModified.toISOString()}, ${current.deleteMarker ? "deleted" : `serial ${current.serial ?? (current.damaged ? "DAMAGED" : "?")}`})` : "(none)"}`,
    );
    if (current?.lineage && target.lineage && current.lineage !== target.lineage) {
      console.log(`  note: the lineages differ (${target.lineage} vs ${current.lineage})`);
    }
    if (!values.yes && !(await confirm("Copy that version over the current state?"))) {
      throw new CommandFailure("Not restored.", EXIT_NOT_CONFIRMED);
    }

    const restoredBody = await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: target.versionId }))
    ).Body!.transformToByteArray();
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: key,
        CopySource: `${bucket}/${encodeURIComponent(key).replace(/%2F/g, "/")}?versionId=${encodeURIComponent(target.versionId)}`,
      }),
    );
    // The backend compares the state it reads with the digest of the last write it made; a restore is a write.
    await dynamo.send(
      new PutItemCommand({
        TableName: project.lockTableName,
        Item: { LockID: { S: `${bucket}/${key}-md5` }, Digest: { S: stateDigest(restoredBody) } },
      }),
    );
    console.log(
      `Restored: the current state is now a copy of ${target.versionId} (new version ${copied.VersionId ?? "?"}).`,
    );

    await requireTerraform();
    const plan = await planWorkspace(environments, workspace, {
      readOnly: false,
      purpose: "state",
      log: (line) => {
        if (line.startsWith("==> ")) console.error(line);
      },
    });
    const summary = summarizePlan(plan.shown as Parameters<typeof summarizePlan>[0]);
    console.log(`Plan against the restored state: ${summaryLine(summary)}`);
    for (const change of summary.changes) console.log(`  ${change.action.padEnd(8)} ${change.address}`);
    return plan.changes ? EXIT_PLAN_CHANGES : 0;
  },
);
