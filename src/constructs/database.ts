import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { AppParameters } from "./app-parameters";
import { DatabaseEngine, tlsAndSlowQueryParameters } from "./database-engines";

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
  /** Initial storage. */
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling. */
  readonly maxAllocatedStorageGb: number;
  /** Name of the database created on the instance. */
  readonly databaseName: string;
  /** Master user name; its password is managed by RDS in Secrets Manager. */
  readonly masterUsername: string;
  readonly multiAz: boolean;
  /** Refuse deletion of the instance. */
  readonly deletionProtection: boolean;
  /** Days of automated backups (1-35). */
  readonly backupRetentionDays: number;
  /** UTC, "hh:mm-hh:mm". */
  readonly backupWindow: string;
  /** UTC, "ddd:hh:mm-ddd:hh:mm". */
  readonly maintenanceWindow: string;
  /** Keep a final snapshot on deletion. */
  readonly finalSnapshot: boolean;
  readonly performanceInsights: boolean;
  /** Enhanced monitoring interval in seconds; 0 turns it off. */
  readonly monitoringIntervalSeconds: number;
  /** Statements slower than this are logged. */
  readonly slowQueryMs: number;
  /** CloudWatch log exports (DATABASE_ENGINES lists each engine's). */
  readonly logExports: readonly string[];
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
    const { performanceInsights, monitoringIntervalSeconds, finalSnapshot } = props;

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
      parameter: tlsAndSlowQueryParameters(props.engine, props.slowQueryMs),
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
      allocatedStorage: props.allocatedStorageGb,
      maxAllocatedStorage: props.maxAllocatedStorageGb,
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      dbName: props.databaseName,
      username: props.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      port: props.port,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      parameterGroupName: this.parameterGroup.name,
      caCertIdentifier: DEFAULT_CA_CERT,
      multiAz: props.multiAz,
      deletionProtection: props.deletionProtection,
      backupRetentionPeriod: props.backupRetentionDays,
      backupWindow: props.backupWindow,
      maintenanceWindow: props.maintenanceWindow,
      copyTagsToSnapshot: true,
      skipFinalSnapshot: !finalSnapshot,
      finalSnapshotIdentifier: finalSnapshot ? `${name}-final` : undefined,
      performanceInsightsEnabled: performanceInsights,
      performanceInsightsKmsKeyId: performanceInsights ? props.kmsKeyArn : undefined,
      performanceInsightsRetentionPeriod: performanceInsights ? PERFORMANCE_INSIGHTS_RETENTION_DAYS : undefined,
      monitoringInterval: monitoringIntervalSeconds,
      monitoringRoleArn: monitoringRole?.arn,
      enabledCloudwatchLogsExports: [...props.logExports],
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
        NAME: props.databaseName,
        ENGINE: props.engine,
      },
    });
  }
}
