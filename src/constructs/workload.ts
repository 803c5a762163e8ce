import { Construct } from "constructs";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import {
  readsDatabaseSecret,
  referencesDatabase,
  resolveSecretReferences,
  SecretReference,
} from "../lib/secret-references";
import {
  imageParameter,
  imageTagParameter,
  maintenanceNetworkParameter,
  releasesTableName,
  repositoryName,
  blueGreenServiceName,
  clusterName,
  serviceName,
} from "../naming";
import { AppParameters } from "./app-parameters";
import { AppSecretDeclaration, AppSecrets } from "./app-secrets";
import { ContainerCluster, Ec2CapacityProps } from "./container-cluster";
import { ContainerRepository } from "./container-repository";
import { BlueGreenSlot, ContainerService, ContainerServiceSettings } from "./container-service";
import { DataKey } from "./data-key";
import { Database, DatabaseProps } from "./database";
import { LoadBalancer } from "./load-balancer";
import { MaintenanceTask } from "./maintenance-task";
import { Network } from "./network";
import { ReleaseLedger } from "./release-ledger";
import { RotationRestart } from "./rotation-restart";
import { SecurityGroupLink } from "./security-group-link";

/** One service of the workload: what runs, and how it is reached and configured. */
export interface WorkloadService extends ContainerServiceSettings {
  /** Behind the load balancer (true) or a worker with no inbound traffic at all (false). */
  readonly public: boolean;
  /** Environment variables filled from secrets or parameters by reference. */
  readonly secrets: Readonly<Record<string, SecretReference>>;
  /** Non-secret configuration published as SSM String parameters under /<project>/<workspace>/<service>/NAME. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Image tag the service starts with, before any release writes one. */
  readonly initialImageTag: string;
  /** Roll a release back when it trips the service's deployment alarms (see ContainerService). */
  readonly deploymentAlarms: boolean;
}

/** The database, as {@link Database} takes it, without what the workload supplies (names, network, key). */
export type WorkloadDatabase = Omit<
  DatabaseProps,
  "namePrefix" | "project" | "workspace" | "vpcId" | "subnetIds" | "kmsKeyArn"
>;

export interface WorkloadProps {
  /** Project name, the first part of parameter paths, secret and repository names. */
  readonly project: string;
  /** Workspace name, the second part of those. */
  readonly workspace: string;
  /** Prefix of every resource name. */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  /** The network the workload runs in. */
  readonly network: Network;
  /** The workspace's customer-managed key, for everything the workload encrypts. */
  readonly dataKey: DataKey;
  /** Secrets Manager secrets, created without a value. */
  readonly secrets: AppSecretDeclaration[];
  readonly services: WorkloadService[];
  /** The relational database. @default - none */
  readonly database?: WorkloadDatabase;
  readonly cluster: {
    readonly containerInsights: boolean;
    readonly fargateSpotWeight: number;
    /** Allow ECS Exec into the services' tasks. */
    readonly execEnabled: boolean;
    /** EC2 container instances as an extra capacity provider. @default - Fargate only */
    readonly ec2?: Omit<Ec2CapacityProps, "subnetIds" | "vpcId">;
    /** The maintenance (database client) task's image. @default - no maintenance task */
    readonly maintenanceTaskImage?: string;
    /** Minutes without an ECS Exec session after which the maintenance task stops itself (with the image). */
    readonly maintenanceIdleMinutes?: number;
  };
  /** DNS zone and certificate of the public services. @default - no load balancer */
  readonly dns?: { readonly zoneName: string; readonly createZone: boolean; readonly certificateArn?: string };
  readonly loadBalancer: {
    readonly sslPolicy: string;
    readonly idleTimeoutSeconds: number;
    readonly deletionProtection: boolean;
    readonly accessLogRetentionDays: number;
    /** The test listener blue/green services are validated through. @default - none */
    readonly testListener?: { readonly port: number; readonly allowedCidrs: string[] };
    /** An AWS WAF web ACL in front of the load balancer. @default - none */
    readonly waf?: { readonly rateLimitPer5Minutes: number };
  };
  readonly registry: {
    readonly keepTaggedImages: number;
    readonly untaggedExpiryDays: number;
    readonly pullAccountIds: string[];
  };
  /** Refuse deletion of the release history table. */
  readonly protectReleaseHistory: boolean;
}

/**
 * Everything that runs on the network: secrets and parameters, the database, the ECS cluster, the load balancer, one
 * ContainerService per service and the maintenance task, wired with the least access each needs (security group
 * links load balancer -> service -> database, the last only for services that reference the database; execution
 * roles limited to the referenced secrets).
 */
export class Workload extends Construct {
  /** The workspace's customer-managed key. */
  public readonly dataKey: DataKey;
  /** The declared Secrets Manager secrets. */
  public readonly secrets: AppSecrets;
  /** The RDS instance, when configured. */
  public readonly database?: Database;
  /** The ECS cluster and its capacity providers. */
  public readonly cluster: ContainerCluster;
  /** The internet-facing load balancer, when a service is public. */
  public readonly loadBalancer?: LoadBalancer;
  /** Services by name. */
  public readonly services: Record<string, ContainerService> = {};
  /** ECR repositories by service name. */
  public readonly repositories: Record<string, ContainerRepository> = {};
  /** The SSM parameter holding the tag of the image each service runs, by service name. */
  public readonly imageTagParameters: Record<string, SsmParameter> = {};
  /** The SSM parameter holding the exact image each service runs (read by its task definitions), by service name. */
  public readonly imageParameters: Record<string, SsmParameter> = {};
  /** Every release and rollback of the services. */
  public readonly releases: ReleaseLedger;
  /** Restarts the services that read the database secret when RDS rotates it (when any service reads it). */
  public readonly rotationRestart?: RotationRestart;
  /** The maintenance (database client) task, when configured. */
  public readonly maintenanceTask?: MaintenanceTask;
  /** Where the maintenance task runs (subnets and security group, as JSON), for `npm run task`. */
  public readonly maintenanceNetwork?: SsmParameter;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const { network } = props;
    const prefix = props.namePrefix;
    const appSubnetIds = network.subnets.app.map((s) => s.id);

    this.dataKey = props.dataKey;
    const kmsKeyArn = this.dataKey.key.arn;

    this.secrets = new AppSecrets(this, "Secrets", {
      project: props.project,
      workspace: props.workspace,
      secrets: props.secrets,
      kmsKeyArn,
    });

    this.releases = new ReleaseLedger(this, "Releases", {
      tableName: releasesTableName(prefix),
      deletionProtection: props.protectReleaseHistory,
    });

    // Every parameter a service may reference, by "<component>/<NAME>".
    const parameters: Record<string, SsmParameter> = {};
    for (const svc of props.services) {
      const own = new AppParameters(this, `Parameters-${svc.name}`, {
        project: props.project,
        workspace: props.workspace,
        component: svc.name,
        values: svc.parameters,
      });
      Object.entries(own.parameters).forEach(([name, p]) => (parameters[`${svc.name}/${name}`] = p));
      this.imageTagParameters[svc.name] = new SsmParameter(this, `ImageTag-${svc.name}`, {
        name: imageTagParameter(props.project, props.workspace, svc.name),
        description: `Tag of the image ${svc.name} runs; written by \`npm run release\``,
        type: "String",
        value: svc.initialImageTag,
        // Releases own the value from here on.
        lifecycle: { ignoreChanges: ["value"] },
      });
      parameters[`${svc.name}/IMAGE_TAG`] = this.imageTagParameters[svc.name];
    }

    if (props.database) {
      const db = props.database;
      // WorkloadDatabase is DatabaseProps without what the workload composes itself (below).
      this.database = new Database(this, "Database", {
        ...db,
        namePrefix: prefix,
        project: props.project,
        workspace: props.workspace,
        vpcId: network.vpc.id,
        subnetIds: network.subnets.database.map((s) => s.id),
        kmsKeyArn,
      });
      Object.entries(this.database.parameters.parameters).forEach(([name, p]) => (parameters[`database/${name}`] = p));
    }

    this.cluster = new ContainerCluster(this, "Cluster", {
      namePrefix: prefix,
      kmsKeyArn,
      containerInsights: props.cluster.containerInsights,
      fargateSpotWeight: props.cluster.fargateSpotWeight,
      ec2: props.cluster.ec2 ? { ...props.cluster.ec2, subnetIds: appSubnetIds, vpcId: network.vpc.id } : undefined,
    });

    const publicServices = props.services.filter((s) => s.public);
    if (publicServices.length > 0 && props.dns) {
      this.loadBalancer = new LoadBalancer(this, "LoadBalancer", {
        namePrefix: prefix,
        accountId: props.accountId,
        vpcId: network.vpc.id,
        subnetIds: network.subnets.public.map((s) => s.id),
        zoneName: props.dns.zoneName,
        createZone: props.dns.createZone,
        certificateArn: props.dns.certificateArn,
        hosts: publicServices.flatMap((s) => s.hosts),
        sslPolicy: props.loadBalancer.sslPolicy,
        idleTimeoutSeconds: props.loadBalancer.idleTimeoutSeconds,
        deletionProtection: props.loadBalancer.deletionProtection,
        accessLogRetentionDays: props.loadBalancer.accessLogRetentionDays,
        testListener: props.loadBalancer.testListener,
        waf: props.loadBalancer.waf,
      });
    }

    const targets = {
      secrets: Object.fromEntries(Object.entries(this.secrets.secrets).map(([name, s]) => [name, s.arn])),
      parameters: Object.fromEntries(Object.entries(parameters).map(([key, p]) => [key, p.arn])),
      databaseSecretArn: this.database?.masterUserSecretArn,
    };
    /** ECS services whose tasks read the database secret at start, by label ("api", "web-blue"), to their ARN. */
    const databaseReaders: Record<string, string> = {};
    for (const svc of props.services) {
      const repository = new ContainerRepository(this, `Repository-${svc.name}`, {
        repositoryName: repositoryName(props.project, props.workspace, svc.name),
        kmsKeyArn,
        keepTaggedImages: props.registry.keepTaggedImages,
        untaggedExpiryDays: props.registry.untaggedExpiryDays,
        pullAccountIds: props.registry.pullAccountIds,
      });
      this.repositories[svc.name] = repository;
      this.imageParameters[svc.name] = new SsmParameter(this, `Image-${svc.name}`, {
        name: imageParameter(props.project, props.workspace, svc.name),
        description: `Image ${svc.name} runs (repository@digest once released); written by \`npm run release\`, read at every plan`,
        type: "String",
        value: `${repository.repository.repositoryUrl}:${svc.initialImageTag}`,
        // Releases own the value from here on; Terraform only reads it.
        lifecycle: { ignoreChanges: ["value"] },
      });
      const lb = svc.public ? this.loadBalancer : undefined;
      const service = new ContainerService(this, `Service-${svc.name}`, {
        namePrefix: prefix,
        region: props.region,
        accountId: props.accountId,
        service: svc,
        clusterArn: this.cluster.cluster.arn,
        clusterName: this.cluster.cluster.name,
        fargateStrategy: this.cluster.fargateStrategy,
        dependsOn: [this.cluster.capacityProviders],
        ec2CapacityProviderName: this.cluster.ec2CapacityProviderName,
        vpcId: network.vpc.id,
        subnetIds: appSubnetIds,
        repositoryUrl: repository.repository.repositoryUrl,
        repositoryArn: repository.repository.arn,
        imageParameterName: this.imageParameters[svc.name].name,
        secrets: resolveSecretReferences(svc.name, svc.secrets, targets),
        kmsKeyArn,
        loadBalancer: lb ? { listenerArn: lb.httpsListener.arn, arnSuffix: lb.loadBalancer.arnSuffix } : undefined,
        testListenerArn: lb?.testListener?.arn,
        execEnabled: props.cluster.execEnabled,
        execLogGroupArn: this.cluster.execLogGroup.arn,
        deploymentAlarms: svc.deploymentAlarms,
      });
      this.services[svc.name] = service;
      if (lb) {
        new SecurityGroupLink(this, `LoadBalancerTo-${svc.name}`, {
          fromSecurityGroupId: lb.securityGroup.id,
          toSecurityGroupId: service.securityGroup.id,
          port: svc.port,
          description: `load balancer to ${svc.name}`,
        });
      }
      if (this.database && readsDatabaseSecret(svc.secrets)) {
        for (const [slot, running] of Object.entries(service.slots)) {
          // The ARN from names, known at plan time: updating a service (a new image) never changes the restart's
          // policy too.
          if (running) {
            const name =
              slot === "live"
                ? serviceName(prefix, svc.name)
                : blueGreenServiceName(prefix, svc.name, slot as BlueGreenSlot);
            databaseReaders[slot === "live" ? svc.name : `${svc.name}-${slot}`] =
              `arn:aws:ecs:${props.region}:${props.accountId}:service/${clusterName(prefix)}/${name}`;
          }
        }
      }
      if (this.database && props.database && referencesDatabase(svc.secrets)) {
        new SecurityGroupLink(this, `${svc.name}-ToDatabase`, {
          fromSecurityGroupId: service.securityGroup.id,
          toSecurityGroupId: this.database.securityGroup.id,
          port: props.database.port,
          description: `${svc.name} to the database`,
        });
      }
    }

    if (this.database && Object.keys(databaseReaders).length > 0) {
      // RDS rotates the master secret (every seven days by default); tasks hold the value they started with.
      this.rotationRestart = new RotationRestart(this, "DatabaseRotationRestart", {
        namePrefix: prefix,
        accountId: props.accountId,
        secretArn: this.database.masterUserSecretArn,
        clusterArn: this.cluster.cluster.arn,
        services: databaseReaders,
      });
    }

    if (props.cluster.maintenanceTaskImage !== undefined) {
      if (props.cluster.maintenanceIdleMinutes === undefined) {
        throw new Error("Workload: cluster.maintenanceTaskImage needs cluster.maintenanceIdleMinutes");
      }
      this.maintenanceTask = new MaintenanceTask(this, "Maintenance", {
        namePrefix: prefix,
        region: props.region,
        accountId: props.accountId,
        vpcId: network.vpc.id,
        image: props.cluster.maintenanceTaskImage,
        idleMinutes: props.cluster.maintenanceIdleMinutes,
        kmsKeyArn,
        execLogGroupArn: this.cluster.execLogGroup.arn,
      });
      this.maintenanceNetwork = new SsmParameter(this, "MaintenanceNetwork", {
        name: maintenanceNetworkParameter(props.project, props.workspace),
        description: "Subnets and security group of the maintenance task; read by `npm run task`",
        type: "String",
        value: JSON.stringify({ subnets: appSubnetIds, securityGroups: [this.maintenanceTask.securityGroup.id] }),
      });
      if (this.database && props.database) {
        new SecurityGroupLink(this, "Maintenance-ToDatabase", {
          fromSecurityGroupId: this.maintenanceTask.securityGroup.id,
          toSecurityGroupId: this.database.securityGroup.id,
          port: props.database.port,
          description: "maintenance task to the database",
        });
      }
    }
  }
}
