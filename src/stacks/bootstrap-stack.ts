import { Construct } from "constructs";
import { Aspects, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { ProjectConfig, WorkspaceConfig } from "../config";
import { AccessLogBucket, accessLogPrefix } from "../constructs/access-log-bucket";
import { LockTable } from "../constructs/lock-table";
import { StateAccessRole } from "../constructs/state-access-role";
import { StateBucket } from "../constructs/state-bucket";
import { SecurityControls } from "../policy/security-controls";
import { planRoleName, roleArn, stateReadRoleName, stateRoleName } from "../naming";
import { accountProvider, MANAGED_BY, useStateBackend } from "./shared";

/** Key of the bootstrap stack's own state once it lives in the bucket (`backend: "s3"`). */
export const BOOTSTRAP_STATE_KEY = "bootstrap/terraform.tfstate";

export interface BootstrapStackProps {
  readonly project: ProjectConfig;
  /** Workspaces that keep state in the bucket; each gets a state access role for its own key. */
  readonly workspaces: WorkspaceConfig[];
  /**
   * Path of the local state file while `project.backend` is `local`, relative to the stack's synthesized directory.
   * @default "terraform.bootstrap.tfstate"
   */
  readonly localStatePath?: string;
}

/**
 * The Terraform state store in the master account: state bucket (with its access log bucket), lock table and one
 * state access role per workspace.
 * Its own state is local on the first run and can move into the bucket afterwards.
 */
export class BootstrapStack extends TerraformStack {
  public readonly stateBucket: StateBucket;
  /** Where the state bucket's server access logs go. */
  public readonly accessLogBucket: AccessLogBucket;
  public readonly lockTable: LockTable;
  public readonly stateRoles: Record<string, StateAccessRole> = {};
  /** Read-only state roles, per workspace that has CI (its plan role reads state through it). */
  public readonly stateReadRoles: Record<string, StateAccessRole> = {};

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { project } = props;

    accountProvider(this, {
      region: project.region,
      accountId: project.masterAccountId,
      roleName: project.deployRoleName,
      sessionName: `${project.project}-bootstrap`,
      tags: { ...project.tags, Project: project.project, Environment: "bootstrap", ManagedBy: MANAGED_BY },
    });
    if (project.backend === "s3") {
      useStateBackend(this, project, { key: BOOTSTRAP_STATE_KEY, roleName: project.deployRoleName });
    } else {
      new LocalBackend(this, { path: props.localStatePath ?? "terraform.bootstrap.tfstate" });
    }

    Aspects.of(this).add(new SecurityControls({ file: project.file, waivers: project.policy.waivers }));

    this.accessLogBucket = new AccessLogBucket(this, "AccessLogBucket", {
      bucketName: project.stateLogBucketName,
      accountId: project.masterAccountId,
      sourceBucketNames: [project.stateBucketName],
      retentionDays: project.stateBucket.accessLogRetentionDays,
    });
    this.stateBucket = new StateBucket(this, "StateBucket", {
      bucketName: project.stateBucketName,
      noncurrentVersionExpirationDays: project.stateBucket.noncurrentVersionExpirationDays,
      accessLogs: {
        bucketName: this.accessLogBucket.bucket.bucket,
        prefix: accessLogPrefix(project.stateBucketName),
        dependsOn: [this.accessLogBucket.policy],
      },
    });
    this.lockTable = new LockTable(this, "LockTable", { tableName: project.lockTableName });

    for (const ws of props.workspaces) {
      this.stateRoles[ws.name] = new StateAccessRole(this, `StateRole-${ws.name}`, {
        roleName: stateRoleName(project.project, ws.name),
        bucketArn: this.stateBucket.bucket.arn,
        bucketName: project.stateBucketName,
        lockTableArn: this.lockTable.table.arn,
        stateKey: ws.stateKey,
        trustedPrincipals: ws.statePrincipals,
      });
      if (ws.ci) {
        this.stateReadRoles[ws.name] = new StateAccessRole(this, `StateReadRole-${ws.name}`, {
          roleName: stateReadRoleName(project.project, ws.name),
          bucketArn: this.stateBucket.bucket.arn,
          bucketName: project.stateBucketName,
          lockTableArn: this.lockTable.table.arn,
          stateKey: ws.stateKey,
          trustedPrincipals: [`arn:aws:iam::${ws.accountId}:root`],
          principalArns: [roleArn(ws.accountId, planRoleName(ws.namePrefix))],
          readOnly: true,
        });
      }
    }

    new TerraformOutput(this, "state_bucket", {
      value: this.stateBucket.bucket.bucket,
      description: "State bucket name",
    });
    new TerraformOutput(this, "lock_table", { value: this.lockTable.table.name, description: "Lock table name" });
    new TerraformOutput(this, "region", { value: project.region, description: "Region of the bucket and table" });
    new TerraformOutput(this, "workspace_backends", {
      description: "S3 backend settings per workspace (what each workspace stack's backend block holds)",
      value: Object.fromEntries(
        props.workspaces.map((ws) => [
          ws.name,
          {
            bucket: project.stateBucketName,
            key: ws.stateKey,
            region: project.region,
            dynamodb_table: project.lockTableName,
            use_lockfile: true,
            encrypt: true,
            role_arn: roleArn(project.masterAccountId, stateRoleName(project.project, ws.name)),
          },
        ]),
      ),
    });
  }
}
