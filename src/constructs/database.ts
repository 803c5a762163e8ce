import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { DatabaseEngine } from "../config/schema";
import { AppParameters } from "./app-parameters";

/** The CA RDS signs server certificates with (RSA 2048, valid to 2061). */
export const DEFAULT_CA_CERT = "rds-ca-rsa2048-g1";
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7;

export interface DatabaseProps {
  /** Prefix of every name (`<prefix>-db`). */
  readonly namePrefix: string;
  /** Project and workspace, for the SSM parameter paths. */
  readonly project: string;
  readonly workspace: string;
  readonly vpcId: string;
  /** Subnets of the database tier. */
  readonly subnetIds: string[];
  readonly engine: DatabaseEngine;
  /** Major or major.minor version; minor upgrades are applied automatically. */
  readonly engineVersion: string;
  /** Parameter group family, e.g. `postgres16`. */
  readonly family: string;
  /** The engine's port (5432 / 3306). */
  readonly port: number;
  /** e.g. `db.t4g.micro`. */
  readonly instanceClass: string;
  /** KMS key for storage, the master user secret and Performance Insights. */
  readonly kmsKeyArn: string;
  /** @default 20 */
  readonly allocatedStorageGb?: number;
  /** Storage autoscaling ceiling. @default 100 */
  readonly maxAllocatedStorageGb?: number;
  /** @default "app" */
  readonly databaseName?: string;
  /** @default "app_admin" */
  readonly masterUsername?: string;
  /** @default false */
  readonly multiAz?: boolean;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** Days of automated backups. @default 7 */
  readonly backupRetentionDays?: number;
  /** UTC. @default "03:00-04:00" */
  readonly backupWindow?: string;
  /** UTC. @default "sun:04:30-sun:05:30" */
  readonly maintenanceWindow?: string;
  /** Keep a final snapshot on deletion. @default true */
  readonly finalSnapshot?: boolean;
  /** @default false */
  readonly performanceInsights?: boolean;
  /** Enhanced monitoring interval in seconds; 0 turns it off. @default 0 */
  readonly monitoringIntervalSeconds?: number;
  /** Statements slower than this are logged. @default 500 */
  readonly slowQueryMs?: number;
  /** CloudWatch log exports. @default - the engine's error/general logs (postgresql+upgrade, error+slowquery) */
  readonly logExports?: string[];
}

/**
 * An RDS instance in the database tier: private, encrypted with a customer-managed key, TLS enforced by its parameter
 * group, slow queries logged and exported, and the master password managed by RDS in Secrets Manager so it is never
 * in Terraform state. Its endpoint is published as SSM parameters (`database/HOST`, `PORT`, `NAME`, `ENGINE`).
 * Callers open the port with a SecurityGroupLink to {@link securityGroup}.
 */
export class Database extends Construct {
  public readonly instance: DbInstance;
  public readonly securityGroup: SecurityGroup;
  public readonly parameterGroup: DbParameterGroup;
  public readonly parameters: AppParameters;
  /** ARN of the Secrets Manager secret RDS keeps the master credentials in. */
  public readonly masterUserSecretArn: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const name = `${props.namePrefix}-db`;
    const allocatedStorageGb = props.allocatedStorageGb ?? 20;
    const maxAllocatedStorageGb = props.maxAllocatedStorageGb ?? 100;
    const databaseName = props.databaseName ?? "app";
    const masterUsername = props.masterUsername ?? "app_admin";
    const multiAz = props.multiAz ?? false;
    const deletionProtection = props.deletionProtection ?? true;
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    const finalSnapshot = props.finalSnapshot ?? true;
    const performanceInsights = props.performanceInsights ?? false;
    const monitoringIntervalSeconds = props.monitoringIntervalSeconds ?? 0;
    const logExports =
      props.logExports ?? (props.engine === "postgres" ? ["postgresql", "upgrade"] : ["error", "slowquery"]);

    const subnetGroup = new DbSubnetGroup(this, "SubnetGroup", {
      name,
      description: `Database tier of ${props.namePrefix}`,
      subnetIds: props.subnetIds,
    });
    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name,
      description: `${props.engine} port from the app services only`,
      vpcId: props.vpcId,
      tags: { Name: name },
    });

    this.parameterGroup = new DbParameterGroup(this, "ParameterGroup", {
      name: `${name}-${props.family.replace(".", "-")}`,
      family: props.family,
      description: `TLS only and slow query logging for ${name}`,
      parameter: tlsAndSlowQueryParameters(props.engine, props.slowQueryMs ?? 500),
      lifecycle: { createBeforeDestroy: true },
    });

    let monitoringRole: IamRole | undefined;
    if (monitoringIntervalSeconds > 0) {
      const trust = new DataAwsIamPolicyDocument(this, "MonitoringTrust", {
        statement: [
          {
            effect: "Allow",
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
          },
        ],
      });
      monitoringRole = new IamRole(this, "MonitoringRole", {
        name: `${name}-monitoring`,
        description: "Lets RDS enhanced monitoring publish OS metrics",
        assumeRolePolicy: trust.json,
      });
      new IamRolePolicyAttachment(this, "MonitoringPolicy", {
        role: monitoringRole.name,
        policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
      });
    }

    this.instance = new DbInstance(this, "Instance", {
      identifier: name,
      engine: props.engine,
      engineVersion: props.engineVersion,
      autoMinorVersionUpgrade: true,
      instanceClass: props.instanceClass,
      storageType: "gp3",
      allocatedStorage: allocatedStorageGb,
      maxAllocatedStorage: maxAllocatedStorageGb,
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      dbName: databaseName,
      username: masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      port: props.port,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      parameterGroupName: this.parameterGroup.name,
      caCertIdentifier: DEFAULT_CA_CERT,
      multiAz,
      deletionProtection,
      backupRetentionPeriod: backupRetentionDays,
      backupWindow: props.backupWindow ?? "03:00-04:00",
      maintenanceWindow: props.maintenanceWindow ?? "sun:04:30-sun:05:30",
      copyTagsToSnapshot: true,
      skipFinalSnapshot: !finalSnapshot,
      finalSnapshotIdentifier: finalSnapshot ? `${name}-final` : undefined,
      performanceInsightsEnabled: performanceInsights,
      performanceInsightsKmsKeyId: performanceInsights ? props.kmsKeyArn : undefined,
      performanceInsightsRetentionPeriod: performanceInsights ? PERFORMANCE_INSIGHTS_RETENTION_DAYS : undefined,
      monitoringInterval: monitoringIntervalSeconds,
      monitoringRoleArn: monitoringRole?.arn,
      enabledCloudwatchLogsExports: logExports,
      applyImmediately: false,
      tags: { Name: name },
    });
    this.masterUserSecretArn = this.instance.masterUserSecret.get(0).secretArn;

    this.parameters = new AppParameters(this, "Parameters", {
      project: props.project,
      workspace: props.workspace,
      component: "database",
      values: {
        HOST: this.instance.address,
        PORT: String(props.port),
        NAME: databaseName,
        ENGINE: props.engine,
      },
    });
  }
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
