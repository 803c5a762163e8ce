import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { ProjectConfig, WorkspaceConfig } from "../config";
import { ServiceConfig } from "../config/workload";
import { AppParameters } from "../constructs/app-parameters";
import { AppSecrets } from "../constructs/app-secrets";
import { ContainerCluster } from "../constructs/container-cluster";
import { ContainerRepository } from "../constructs/container-repository";
import { ContainerService, ResolvedSecret } from "../constructs/container-service";
import { DataKey } from "../constructs/data-key";
import { Database } from "../constructs/database";
import { LoadBalancer } from "../constructs/load-balancer";
import { MaintenanceTask } from "../constructs/maintenance-task";
import { Network } from "../constructs/network";
import { SecurityGroupLink } from "../constructs/security-group-link";
import { imageTagParameter, repositoryName } from "../naming";

export interface WorkloadProps {
  readonly project: ProjectConfig;
  readonly workspace: WorkspaceConfig;
  readonly network: Network;
  /** The workspace's customer-managed key, for everything the workload encrypts. */
  readonly dataKey: DataKey;
}

/** True when a service references the database (its endpoint parameters or its credentials), so needs its port. */
export function usesDatabase(svc: ServiceConfig): boolean {
  return Object.values(svc.secrets).some(
    (ref) => "databaseSecret" in ref || ("parameter" in ref && ref.parameter.startsWith("database/")),
  );
}

/**
 * Everything that runs on the network: the data key, secrets and parameters, the database, the ECS cluster, the load
 * balancer, one ContainerService per configured service and the maintenance task, wired with the least access each
 * needs (security group links load balancer -> service -> database, the last only for services that reference the
 * database; execution roles limited to the referenced secrets).
 */
export class Workload extends Construct {
  public readonly dataKey: DataKey;
  public readonly secrets: AppSecrets;
  public readonly database?: Database;
  public readonly cluster: ContainerCluster;
  public readonly loadBalancer?: LoadBalancer;
  public readonly services: Record<string, ContainerService> = {};
  public readonly repositories: Record<string, ContainerRepository> = {};
  public readonly imageTagParameters: Record<string, SsmParameter> = {};
  public readonly maintenanceTask?: MaintenanceTask;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const { project, workspace: ws, network } = props;
    const prefix = ws.namePrefix;
    const appSubnetIds = network.subnets.app.map((s) => s.id);

    this.dataKey = props.dataKey;
    const kmsKeyArn = this.dataKey.key.arn;

    this.secrets = new AppSecrets(this, "Secrets", {
      project: project.project,
      workspace: ws.name,
      secrets: ws.secrets,
      kmsKeyArn,
    });

    // Every parameter a service may reference, by "<component>/<NAME>".
    const parameters: Record<string, SsmParameter> = {};
    for (const svc of ws.services) {
      const own = new AppParameters(this, `Parameters-${svc.name}`, {
        project: project.project,
        workspace: ws.name,
        component: svc.name,
        values: svc.parameters,
      });
      Object.entries(own.parameters).forEach(([name, p]) => (parameters[`${svc.name}/${name}`] = p));
      this.imageTagParameters[svc.name] = new SsmParameter(this, `ImageTag-${svc.name}`, {
        name: imageTagParameter(project.project, ws.name, svc.name),
        description: `Image tag deployed for ${svc.name}; written by \`npm run deploy-image\`, read at every plan`,
        type: "String",
        value: svc.initialImageTag,
        // The deploy step owns the value from here on; Terraform only reads it.
        lifecycle: { ignoreChanges: ["value"] },
      });
      parameters[`${svc.name}/IMAGE_TAG`] = this.imageTagParameters[svc.name];
    }

    if (ws.database) {
      const db = ws.database;
      this.database = new Database(this, "Database", {
        ...db,
        namePrefix: prefix,
        project: project.project,
        workspace: ws.name,
        vpcId: network.vpc.id,
        subnetIds: network.subnets.database.map((s) => s.id),
        kmsKeyArn,
      });
      Object.entries(this.database.parameters.parameters).forEach(([name, p]) => (parameters[`database/${name}`] = p));
    }

    this.cluster = new ContainerCluster(this, "Cluster", {
      namePrefix: prefix,
      kmsKeyArn,
      containerInsights: ws.cluster.containerInsights,
      fargateSpotWeight: ws.cluster.fargateSpotWeight,
      ec2: ws.cluster.ec2 ? { ...ws.cluster.ec2, subnetIds: appSubnetIds, vpcId: network.vpc.id } : undefined,
    });

    const publicServices = ws.services.filter((s) => s.public);
    if (publicServices.length > 0 && ws.dns) {
      this.loadBalancer = new LoadBalancer(this, "LoadBalancer", {
        namePrefix: prefix,
        accountId: ws.accountId,
        vpcId: network.vpc.id,
        subnetIds: network.subnets.public.map((s) => s.id),
        zoneName: ws.dns.zoneName,
        createZone: ws.dns.createZone,
        certificateArn: ws.dns.certificateArn,
        hosts: publicServices.flatMap((s) => s.hosts),
        sslPolicy: ws.loadBalancer.sslPolicy,
        idleTimeoutSeconds: ws.loadBalancer.idleTimeoutSeconds,
        deletionProtection: ws.loadBalancer.deletionProtection,
        accessLogRetentionDays: ws.loadBalancer.accessLogRetentionDays,
      });
    }

    for (const svc of ws.services) {
      const repository = new ContainerRepository(this, `Repository-${svc.name}`, {
        repositoryName: repositoryName(project.project, ws.name, svc.name),
        kmsKeyArn,
        keepTaggedImages: ws.registry.keepTaggedImages,
        untaggedExpiryDays: ws.registry.untaggedExpiryDays,
        pullAccountIds: ws.registry.pullAccountIds,
      });
      this.repositories[svc.name] = repository;
      const lb = svc.public ? this.loadBalancer : undefined;
      const service = new ContainerService(this, `Service-${svc.name}`, {
        namePrefix: prefix,
        region: ws.region,
        accountId: ws.accountId,
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
        imageTagParameterName: this.imageTagParameters[svc.name].name,
        secrets: this.resolveSecrets(svc, parameters),
        kmsKeyArn,
        loadBalancer: lb ? { listenerArn: lb.httpsListener.arn, arnSuffix: lb.loadBalancer.arnSuffix } : undefined,
        execEnabled: ws.cluster.execEnabled,
        execLogGroupArn: this.cluster.execLogGroup.arn,
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
      if (this.database && ws.database && usesDatabase(svc)) {
        new SecurityGroupLink(this, `${svc.name}-ToDatabase`, {
          fromSecurityGroupId: service.securityGroup.id,
          toSecurityGroupId: this.database.securityGroup.id,
          port: ws.database.port,
          description: `${svc.name} to the database`,
        });
      }
    }

    if (ws.cluster.maintenanceTask?.enabled) {
      this.maintenanceTask = new MaintenanceTask(this, "Maintenance", {
        namePrefix: prefix,
        region: ws.region,
        accountId: ws.accountId,
        vpcId: network.vpc.id,
        image: ws.cluster.maintenanceTask.image,
        kmsKeyArn,
        execLogGroupArn: this.cluster.execLogGroup.arn,
      });
      if (this.database && ws.database) {
        new SecurityGroupLink(this, "Maintenance-ToDatabase", {
          fromSecurityGroupId: this.maintenanceTask.securityGroup.id,
          toSecurityGroupId: this.database.securityGroup.id,
          port: ws.database.port,
          description: "maintenance task to the database",
        });
      }
    }

    this.createOutputs(ws);
  }

  /** Turns a service's secret references into the ARNs its execution role may read and ECS resolves. */
  private resolveSecrets(svc: ServiceConfig, parameters: Record<string, SsmParameter>): Record<string, ResolvedSecret> {
    return Object.fromEntries(
      Object.entries(svc.secrets).map(([envName, ref]): [string, ResolvedSecret] => {
        if ("secret" in ref) {
          const arn = this.secrets.secrets[ref.secret].arn;
          return [
            envName,
            { kind: "secretsmanager", resourceArn: arn, valueFrom: ref.key ? `${arn}:${ref.key}::` : arn },
          ];
        }
        if ("parameter" in ref) {
          const key = ref.parameter.includes("/") ? ref.parameter : `${svc.name}/${ref.parameter}`;
          const arn = parameters[key].arn;
          return [envName, { kind: "ssm", resourceArn: arn, valueFrom: arn }];
        }
        const arn = this.database!.masterUserSecretArn;
        return [envName, { kind: "secretsmanager", resourceArn: arn, valueFrom: `${arn}:${ref.databaseSecret}::` }];
      }),
    );
  }

  private createOutputs(ws: WorkspaceConfig): void {
    // Outputs belong to the stack so their names stay short and stable (`terraform output cluster_name`).
    const scope = TerraformStack.of(this);
    new TerraformOutput(scope, "cluster_name", { value: this.cluster.cluster.name, description: "ECS cluster" });
    new TerraformOutput(scope, "services", {
      description: "Per service: ECS service, repository URL, image tag parameter, log group",
      value: Object.fromEntries(
        ws.services.map((svc) => [
          svc.name,
          {
            service: this.services[svc.name].service.name,
            repository_url: this.repositories[svc.name].repository.repositoryUrl,
            image_tag_parameter: this.imageTagParameters[svc.name].name,
            log_group: this.services[svc.name].logGroup.name,
          },
        ]),
      ),
    });
    new TerraformOutput(scope, "secret_arns", {
      description: "Secrets Manager secrets by declared name (values are written by npm run secrets)",
      value: Object.fromEntries(Object.entries(this.secrets.secrets).map(([name, s]) => [name, s.arn])),
    });
    if (this.loadBalancer) {
      new TerraformOutput(scope, "load_balancer_dns_name", { value: this.loadBalancer.loadBalancer.dnsName });
      new TerraformOutput(scope, "zone_id", { value: this.loadBalancer.zoneId });
      if (this.loadBalancer.nameServers) {
        new TerraformOutput(scope, "zone_name_servers", {
          value: this.loadBalancer.nameServers,
          description: "Delegate the workspace's zone to these name servers",
        });
      }
    }
    if (this.database) {
      new TerraformOutput(scope, "database_endpoint", { value: this.database.instance.endpoint });
      new TerraformOutput(scope, "database_master_secret_arn", {
        value: this.database.masterUserSecretArn,
        description: "Secrets Manager secret RDS manages the master credentials in",
      });
    }
  }
}
