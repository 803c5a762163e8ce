import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { SubnetLayout, SubnetTier, SUBNET_TIERS } from "../lib/subnet-layout";
import { NetworkAcls } from "./network-acls";

/**
 * Outbound internet for the app tier: `none` (no NAT; use VPC endpoints), `single` (one shared NAT gateway) or
 * `one-per-az` (a NAT gateway per zone, no cross-zone dependency).
 */
export type NatMode = "none" | "single" | "one-per-az";
/** Which traffic VPC flow logs record. */
export type FlowLogTrafficType = "ALL" | "ACCEPT" | "REJECT";
/** Interface endpoints created when `interfaceEndpoints` is on: what ECS tasks need without a NAT gateway. */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ecr.api",
  "ecr.dkr",
  "logs",
  "ssm",
  "ssmmessages",
  "secretsmanager",
  "kms",
] as const;
/** NAT gateways a mode creates across `zoneCount` availability zones (each with its own Elastic IP). */
export function natGatewayCount(mode: NatMode, zoneCount: number): number {
  return mode === "one-per-az" ? zoneCount : mode === "single" ? 1 : 0;
}
/** Gateway endpoints created when `gatewayEndpoints` is on (free of charge). */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;
const ANYWHERE = "0.0.0.0/0";

export interface NetworkProps {
  /** Prefix of every resource name, e.g. `acme-dev`. */
  readonly namePrefix: string;
  /** Account id, for the flow log role's confused-deputy guard. */
  readonly accountId: string;
  readonly region: string;
  /** VPC CIDR block. */
  readonly cidr: string;
  /** Availability zone names; at least two. */
  readonly availabilityZones: string[];
  /** Subnet CIDRs per tier, one per availability zone. */
  readonly subnets: SubnetLayout;
  /** NAT gateways for the app tier. */
  readonly natGateways: NatMode;
  /** Ports the public tier may open in the app tier. */
  readonly appPorts: number[];
  /** Port the app tier may open in the database tier. */
  readonly databasePort: number;
  /** The load balancer's blue/green test listener port and who may reach it. @default - none */
  readonly testListener?: { readonly port: number; readonly allowedCidrs: readonly string[] };
  /** Send VPC flow logs to CloudWatch Logs. */
  readonly flowLogs: boolean;
  /** Days the flow log group keeps records (a CloudWatch Logs retention period). */
  readonly flowLogRetentionDays: number;
  /** Which traffic flow logs record. */
  readonly flowLogTrafficType: FlowLogTrafficType;
  /** KMS key the flow log group is encrypted with. @default - CloudWatch Logs' own encryption */
  readonly flowLogKmsKeyArn?: string;
  /** S3 and DynamoDB gateway endpoints on the app route tables. */
  readonly gatewayEndpoints: boolean;
  /** Interface endpoints (ECR, CloudWatch Logs, SSM, Secrets Manager, KMS) in the app subnets. */
  readonly interfaceEndpoints: boolean;
}

/**
 * A VPC with three subnet tiers across availability zones (public, app, database), an internet gateway, NAT per
 * the chosen mode, route tables per tier, network ACLs per tier, flow logs, optional VPC endpoints, and the VPC's
 * default network ACL and security group emptied so nothing falls back to allow-all.
 */
export class Network extends Construct {
  public readonly vpc: Vpc;
  public readonly subnets: Record<SubnetTier, Subnet[]>;
  public readonly routeTables: Record<SubnetTier, RouteTable[]>;
  public readonly natGateways: NatGateway[];
  public readonly internetGateway: InternetGateway;
  public readonly networkAcls: NetworkAcls;
  public readonly flowLogGroup?: CloudwatchLogGroup;
  public readonly endpointSecurityGroup?: SecurityGroup;
  public readonly endpoints: Record<string, VpcEndpoint> = {};

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const natMode = props.natGateways;
    const interfaceEndpoints = props.interfaceEndpoints;
    const zones = props.availabilityZones;
    const name = (suffix: string) => `${props.namePrefix}-${suffix}`;

    if (zones.length < 2) {
      throw new Error(
        `Network: availabilityZones must name at least 2 zones (a load balancer spans two), got ${zones.length}`,
      );
    }
    for (const tier of SUBNET_TIERS) {
      if (props.subnets[tier].length !== zones.length) {
        throw new Error(
          `Network: subnets.${tier} has ${props.subnets[tier].length} CIDRs for ${zones.length} availability zones; give one per zone`,
        );
      }
    }

    this.vpc = new Vpc(this, "Vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name("vpc") },
    });
    const vpcId = this.vpc.id;

    // Taken under management with no rules: anything not placed deliberately is denied.
    new DefaultNetworkAcl(this, "DefaultNetworkAcl", {
      defaultNetworkAclId: this.vpc.defaultNetworkAclId,
      tags: { Name: name("default-deny") },
      // Every subnet is associated with its tier's ACL; AWS reports the moves here, which is not drift.
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", {
      vpcId,
      tags: { Name: name("default-deny") },
    });

    this.subnets = { public: [], app: [], database: [] };
    for (const tier of SUBNET_TIERS) {
      this.subnets[tier] = zones.map(
        (zone, i) =>
          new Subnet(this, `${tier}-subnet-${i}`, {
            vpcId,
            availabilityZone: zone,
            cidrBlock: props.subnets[tier][i],
            mapPublicIpOnLaunch: false,
            tags: { Name: name(`${tier}-${zone}`), Tier: tier },
          }),
      );
    }

    this.internetGateway = new InternetGateway(this, "InternetGateway", { vpcId, tags: { Name: name("igw") } });

    this.natGateways = Array.from({ length: natGatewayCount(natMode, zones.length) }, (_, i) => {
      const eip = new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: { Name: name(`nat-${zones[i]}`) } });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: this.subnets.public[i].id,
        connectivityType: "public",
        tags: { Name: name(`nat-${zones[i]}`) },
        dependsOn: [this.internetGateway],
      });
    });

    const routeTable = (tier: SubnetTier, index: number, label: string) =>
      new RouteTable(this, `${tier}-rt-${index}`, { vpcId, tags: { Name: name(label), Tier: tier } });
    const associate = (tier: SubnetTier, table: (i: number) => RouteTable) =>
      this.subnets[tier].forEach(
        (subnet, i) =>
          new RouteTableAssociation(this, `${tier}-rta-${i}`, { subnetId: subnet.id, routeTableId: table(i).id }),
      );

    // Public: one table, default route to the internet gateway.
    const publicTable = routeTable("public", 0, "public");
    new Route(this, "public-default-route", {
      routeTableId: publicTable.id,
      destinationCidrBlock: ANYWHERE,
      gatewayId: this.internetGateway.id,
    });
    associate("public", () => publicTable);

    // App: one table per zone, so each can route to its own zone's NAT gateway.
    const appTables = zones.map((zone, i) => routeTable("app", i, `app-${zone}`));
    appTables.forEach((table, i) => {
      const nat = this.natGateways[natMode === "one-per-az" ? i : 0];
      if (nat) {
        new Route(this, `app-default-route-${i}`, {
          routeTableId: table.id,
          destinationCidrBlock: ANYWHERE,
          natGatewayId: nat.id,
        });
      }
    });
    associate("app", (i) => appTables[i]);

    // Database: one table with the local route only; no way to the internet.
    const databaseTable = routeTable("database", 0, "database");
    associate("database", () => databaseTable);

    this.routeTables = { public: [publicTable], app: appTables, database: [databaseTable] };

    this.networkAcls = new NetworkAcls(this, "Acls", {
      vpcId,
      subnetIds: {
        public: this.subnets.public.map((s) => s.id),
        app: this.subnets.app.map((s) => s.id),
        database: this.subnets.database.map((s) => s.id),
      },
      subnetCidrs: props.subnets,
      appPorts: props.appPorts,
      databasePort: props.databasePort,
      allowHttpsWithinApp: interfaceEndpoints,
      testListener: props.testListener,
      namePrefix: props.namePrefix,
    });

    if (props.flowLogs) {
      this.flowLogGroup = this.createFlowLogs(props);
    }

    if (props.gatewayEndpoints) {
      for (const service of GATEWAY_ENDPOINT_SERVICES) {
        this.endpoints[service] = new VpcEndpoint(this, `endpoint-${service}`, {
          vpcId,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: "Gateway",
          routeTableIds: appTables.map((t) => t.id),
          tags: { Name: name(`${service}-endpoint`) },
        });
      }
    }

    if (interfaceEndpoints) {
      const sg = new SecurityGroup(this, "EndpointSecurityGroup", {
        name: name("vpc-endpoints"),
        description: "HTTPS from the app tier to the interface VPC endpoints",
        vpcId,
        tags: { Name: name("vpc-endpoints") },
      });
      props.subnets.app.forEach(
        (cidr, i) =>
          new VpcSecurityGroupIngressRule(this, `endpoint-https-from-app-${i}`, {
            securityGroupId: sg.id,
            description: `HTTPS from app subnet ${zones[i]}`,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: cidr,
          }),
      );
      this.endpointSecurityGroup = sg;
      for (const service of INTERFACE_ENDPOINT_SERVICES) {
        this.endpoints[service] = new VpcEndpoint(this, `endpoint-${service.replace(".", "-")}`, {
          vpcId,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: this.subnets.app.map((s) => s.id),
          securityGroupIds: [sg.id],
          tags: { Name: name(`${service}-endpoint`) },
        });
      }
    }
  }

  private createFlowLogs(props: NetworkProps): CloudwatchLogGroup {
    const group = new CloudwatchLogGroup(this, "FlowLogGroup", {
      name: `/vpc/${props.namePrefix}/flow-logs`,
      retentionInDays: props.flowLogRetentionDays,
      kmsKeyId: props.flowLogKmsKeyArn,
    });
    const trust = new DataAwsIamPolicyDocument(this, "FlowLogTrust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ],
    });
    const role = new IamRole(this, "FlowLogRole", {
      name: `${props.namePrefix}-vpc-flow-logs`,
      description: "Lets VPC flow logs write to their log group",
      assumeRolePolicy: trust.json,
    });
    const write = new DataAwsIamPolicyDocument(this, "FlowLogWrite", {
      statement: [
        {
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`${group.arn}:*`],
        },
        {
          effect: "Allow",
          actions: ["logs:DescribeLogGroups"],
          resources: [`arn:aws:logs:${props.region}:${props.accountId}:log-group:*`],
        },
      ],
    });
    new IamRolePolicy(this, "FlowLogPolicy", { name: "write-flow-logs", role: role.id, policy: write.json });
    new FlowLog(this, "FlowLog", {
      vpcId: this.vpc.id,
      trafficType: props.flowLogTrafficType,
      logDestinationType: "cloud-watch-logs",
      logDestination: group.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${props.namePrefix}-flow-logs` },
    });
    return group;
  }
}
