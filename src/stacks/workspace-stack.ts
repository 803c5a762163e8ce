import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { ProjectConfig, WorkspaceConfig } from "../config";
import { DataKey } from "../constructs/data-key";
import { Network } from "../constructs/network";
import { SUBNET_TIERS } from "../lib/subnet-layout";
import { accountProvider, MANAGED_BY, stateRoleName, useStateBackend } from "./shared";
import { Workload } from "./workload";

/** The database tier's port when the workspace has no database yet (PostgreSQL's). */
export const DEFAULT_DATABASE_PORT = 5432;

export interface WorkspaceStackProps {
  readonly project: ProjectConfig;
  readonly workspace: WorkspaceConfig;
}

/**
 * One workspace (dev, prod, ...): state in the master account's bucket under the workspace's own key, resources in
 * the workspace's account through its deploy role.
 */
export class WorkspaceStack extends TerraformStack {
  public readonly network: Network;
  public readonly dataKey: DataKey;
  public readonly workload: Workload;

  constructor(scope: Construct, id: string, props: WorkspaceStackProps) {
    super(scope, id);
    const { project, workspace: ws } = props;

    accountProvider(this, {
      region: ws.region,
      accountId: ws.accountId,
      roleName: ws.deployRoleName,
      sessionName: `${ws.namePrefix}-deploy`,
      tags: { ...ws.tags, Project: project.project, Environment: ws.name, ManagedBy: MANAGED_BY },
    });
    useStateBackend(this, project, { key: ws.stateKey, roleName: stateRoleName(project, ws.name) });

    const identity = new DataAwsCallerIdentity(this, "Identity");
    new TerraformOutput(this, "account_id", {
      value: identity.accountId,
      description: "Account the resources live in",
    });

    this.dataKey = new DataKey(this, "DataKey", {
      alias: `${ws.namePrefix}-data`,
      description: `Encrypts ${ws.namePrefix}'s database, secrets, logs, images and exec sessions`,
      accountId: ws.accountId,
      region: ws.region,
      protect: ws.production,
    });

    const net = ws.network;
    this.network = new Network(this, "Network", {
      namePrefix: ws.namePrefix,
      accountId: ws.accountId,
      region: ws.region,
      cidr: net.cidr,
      availabilityZones: net.availabilityZones,
      subnets: net.subnets,
      natGateways: net.natGateways,
      appPorts: ws.services.filter((svc) => svc.public).map((svc) => svc.port),
      databasePort: ws.database?.port ?? DEFAULT_DATABASE_PORT,
      flowLogs: net.flowLogs.enabled,
      flowLogRetentionDays: net.flowLogs.retentionDays,
      flowLogTrafficType: net.flowLogs.trafficType,
      flowLogKmsKeyArn: this.dataKey.key.arn,
      gatewayEndpoints: net.endpoints.gateway,
      interfaceEndpoints: net.endpoints.interface,
    });

    this.workload = new Workload(this, "Workload", {
      project,
      workspace: ws,
      network: this.network,
      dataKey: this.dataKey,
    });

    new TerraformOutput(this, "vpc_id", { value: this.network.vpc.id, description: "VPC id" });
    for (const tier of SUBNET_TIERS) {
      new TerraformOutput(this, `${tier}_subnet_ids`, {
        value: this.network.subnets[tier].map((s) => s.id),
        description: `Subnet ids of the ${tier} tier, in availability zone order`,
      });
    }
    new TerraformOutput(this, "route_table_ids", {
      description: "Route table ids per tier",
      value: Object.fromEntries(SUBNET_TIERS.map((t) => [t, this.network.routeTables[t].map((r) => r.id)])),
    });
    new TerraformOutput(this, "network_acl_ids", {
      description: "Network ACL id per tier",
      value: Object.fromEntries(SUBNET_TIERS.map((t) => [t, this.network.networkAcls.acls[t].id])),
    });
  }
}
