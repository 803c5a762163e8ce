import { Construct } from "constructs";
import { Aspects, dependable, TerraformOutput, TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { CiSettings, ProjectConfig, ServiceConfig, WorkspaceConfig } from "../config";
import { AlarmTopic } from "../constructs/alarm-topic";
import { deploymentAlarmNames, WatchedService, WorkspaceAlarms } from "../constructs/alarms";
import { CiRoles } from "../constructs/ci-roles";
import { Dashboard } from "../constructs/dashboard";
import { OperatorRole } from "../constructs/operator-role";
import { DataKey } from "../constructs/data-key";
import { DEFAULT_DATABASE_PORT } from "../constructs/database-engines";
import { Network } from "../constructs/network";
import { Workload, WorkloadDatabase, WorkloadProps, WorkloadService } from "../constructs/workload";
import { SUBNET_TIERS } from "../lib/subnet-layout";
import { SecurityControls } from "../policy/security-controls";
import {
  alarmTopicName,
  blueGreenServiceName,
  clusterName,
  dashboardName,
  maintenanceFamily,
  migrationFamily,
  operatorRoleName,
  repositoryArn,
  repositoryName,
  roleArn,
  serviceName,
  stateReadRoleName,
  stateRoleName,
} from "../naming";
import { accountProvider, MANAGED_BY, useStateBackend } from "./shared";

export interface WorkspaceStackProps {
  readonly project: ProjectConfig;
  readonly workspace: WorkspaceConfig;
  /** Every workspace, for what spans them (the repositories a release promotes from). @default [] */
  readonly workspaces?: WorkspaceConfig[];
}

/**
 * One workspace (dev, prod, ...): state in the master account's bucket under the workspace's own key, resources in
 * the workspace's account through its deploy role. It maps the workspace's configuration onto the constructs, field by
 * field, and owns the stack's outputs.
 */
export class WorkspaceStack extends TerraformStack {
  /** VPC, subnets, routing, network ACLs, flow logs and endpoints. */
  public readonly network: Network;
  /** The workspace's customer-managed KMS key. */
  public readonly dataKey: DataKey;
  /** Everything that runs on the network. */
  public readonly workload: Workload;
  /** GitHub Actions' plan and release roles, when the workspace has a `ci` section. */
  public readonly ci?: CiRoles;
  /** The topic every alarm notifies. */
  public readonly alarmTopic: AlarmTopic;
  /** The workspace's alarms, unless turned off. */
  public readonly alarms?: WorkspaceAlarms;
  /** The workspace's CloudWatch dashboard. */
  public readonly dashboard: Dashboard;
  /** The operators' role, when the workspace names operators. */
  public readonly operatorRole?: OperatorRole;

  constructor(scope: Construct, id: string, props: WorkspaceStackProps) {
    super(scope, id);
    const { project, workspace: ws } = props;

    accountProvider(this, {
      region: ws.region,
      accountId: ws.accountId,
      roleName: ws.deployRoleName,
      sessionName: `${ws.namePrefix}-deploy`,
      roleVariable: true,
      tags: { ...ws.tags, Project: project.project, Environment: ws.name, ManagedBy: MANAGED_BY },
    });
    useStateBackend(this, project, { key: ws.stateKey, roleName: stateRoleName(project.project, ws.name) });
    Aspects.of(this).add(new SecurityControls({ file: ws.file, waivers: ws.policy.waivers }));

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
      testListener: ws.loadBalancer.testListener,
      flowLogs: net.flowLogs.enabled,
      flowLogRetentionDays: net.flowLogs.retentionDays,
      flowLogTrafficType: net.flowLogs.trafficType,
      flowLogKmsKeyArn: this.dataKey.key.arn,
      gatewayEndpoints: net.endpoints.gateway,
      interfaceEndpoints: net.endpoints.interface,
    });

    this.workload = new Workload(this, "Workload", workloadProps(project, ws, this.network, this.dataKey));
    this.createWorkloadOutputs(ws);
    this.alarmTopic = new AlarmTopic(this, "AlarmTopic", {
      name: alarmTopicName(ws.namePrefix),
      kmsKeyArn: this.dataKey.key.arn,
      emails: ws.notifications.emails,
      httpsEndpoints: ws.notifications.httpsEndpoints,
    });
    new TerraformOutput(this, "alarm_topic_arn", {
      value: this.alarmTopic.topic.arn,
      description: "SNS topic every alarm notifies (subscribe more endpoints here)",
    });
    const watched = watchedServices(ws, this.workload);
    if (ws.alarms.enabled) this.alarms = this.createAlarms(ws, watched);
    this.dashboard = new Dashboard(this, "Dashboard", {
      name: dashboardName(ws.namePrefix),
      region: ws.region,
      clusterName: this.workload.cluster.cluster.name,
      services: watched,
      loadBalancerArnSuffix: this.workload.loadBalancer?.loadBalancer.arnSuffix,
      databaseIdentifier: this.workload.database?.instance.identifier,
    });
    new TerraformOutput(this, "dashboard_url", {
      value: `https://${ws.region}.console.aws.amazon.com/cloudwatch/home?region=${ws.region}#dashboards/dashboard/${dashboardName(ws.namePrefix)}`,
      description: "The workspace's CloudWatch dashboard",
    });
    if (ws.operators.length > 0) this.operatorRole = this.createOperatorRole(ws);
    if (ws.ci) this.ci = this.createCiRoles(project, ws, ws.ci, props.workspaces ?? []);

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

  private createAlarms(ws: WorkspaceConfig, watched: WatchedService[]): WorkspaceAlarms {
    const workload = this.workload;
    const thresholds = ws.alarms;
    const alarms = new WorkspaceAlarms(this, "Alarms", {
      namePrefix: ws.namePrefix,
      topicArn: this.alarmTopic.topic.arn,
      periodSeconds: thresholds.periodSeconds,
      evaluationPeriods: thresholds.evaluationPeriods,
      clusterName: workload.cluster.cluster.name,
      containerInsights: ws.cluster.containerInsights,
      services: watched.filter((svc) => ws.services.find((s) => s.name === svc.name)!.alarms.enabled),
      loadBalancer: workload.loadBalancer && {
        arnSuffix: workload.loadBalancer.loadBalancer.arnSuffix,
        elb5xxCount: thresholds.loadBalancer.elb5xxCount,
        rejectedConnections: thresholds.loadBalancer.rejectedConnections,
      },
      database: workload.database && {
        identifier: workload.database.instance.identifier,
        cpuPercent: thresholds.database.cpuPercent,
        freeStorageGb: thresholds.database.freeStorageGb,
        freeableMemoryMb: thresholds.database.freeableMemoryMb,
        connections: thresholds.database.connections,
      },
      natGateways: this.network.natGateways.map((nat, i) => ({ zone: ws.network.availabilityZones[i], id: nat.id })),
      natPortAllocationErrors: thresholds.natGateway.portAllocationErrors,
    });
    // A service is created after the alarms it rolls back on.
    for (const svc of ws.services) {
      if (!svc.alarms.enabled) continue;
      for (const [slotName, slot] of Object.entries(workload.services[svc.name].slots)) {
        if (!slot?.targetGroup) continue;
        const names = deploymentAlarmNames(ecsServiceName(ws.namePrefix, svc.name, slotName));
        slot.service.dependsOn = [...(slot.service.dependsOn ?? []), ...names.map((n) => dependable(alarms.alarms[n]))];
      }
    }
    return alarms;
  }

  private createOperatorRole(ws: WorkspaceConfig): OperatorRole {
    const workload = this.workload;
    const maintenance = workload.maintenanceTask;
    const role = new OperatorRole(this, "Operator", {
      name: operatorRoleName(ws.namePrefix),
      accountId: ws.accountId,
      region: ws.region,
      trustedPrincipals: ws.operators,
      clusterName: clusterName(ws.namePrefix),
      logGroupArns: [
        ...ws.services.map((svc) => workload.services[svc.name].logGroup.arn),
        ...(maintenance ? [maintenance.logGroup.arn] : []),
      ],
      execKmsKeyArn: this.dataKey.key.arn,
      maintenance: maintenance && {
        family: maintenanceFamily(ws.namePrefix),
        roleArns: [maintenance.executionRole.arn, maintenance.taskRole.arn],
        networkParameterArn: workload.maintenanceNetwork!.arn,
      },
    });
    new TerraformOutput(this, "operator_role_arn", {
      value: role.role.arn,
      description: "Role operators assume for npm run exec, logs and task maintenance",
    });
    return role;
  }

  private createCiRoles(project: ProjectConfig, ws: WorkspaceConfig, ci: CiSettings, all: WorkspaceConfig[]): CiRoles {
    const workload = this.workload;
    const subject = (repository: string, claim: string) => `repo:${repository}:${claim}`;
    const releasers = [ci.repository, ...ci.applicationRepositories];
    const roles = new CiRoles(this, "Ci", {
      namePrefix: ws.namePrefix,
      accountId: ws.accountId,
      region: ws.region,
      createOidcProvider: ci.createOidcProvider,
      planSubjects: [
        ...(ci.plan.pullRequests ? [subject(ci.repository, "pull_request")] : []),
        ...ci.plan.refs.map((ref) => subject(ci.repository, `ref:${ref}`)),
      ],
      releaseSubjects: releasers.flatMap((repository) => [
        ...ci.release.environments.map((env) => subject(repository, `environment:${env}`)),
        ...ci.release.refs.map((ref) => subject(repository, `ref:${ref}`)),
      ]),
      stateReadRoleArn: roleArn(project.masterAccountId, stateReadRoleName(project.project, ws.name)),
      clusterArn: workload.cluster.cluster.arn,
      services: ws.services.map((svc) => {
        const service = workload.services[svc.name];
        const slots = Object.values(service.slots);
        return {
          name: svc.name,
          // Built from names, not read from the services: known at plan time, so a change that updates a service
          // (a new image in its parameter) never shows as a change of the release role's policy too.
          serviceArns: Object.keys(service.slots).map(
            (slot) =>
              `arn:aws:ecs:${ws.region}:${ws.accountId}:service/${clusterName(ws.namePrefix)}/${ecsServiceName(ws.namePrefix, svc.name, slot)}`,
          ),
          listenerRuleArns: service.testListenerRule
            ? [service.listenerRule!.arn, service.testListenerRule.arn]
            : undefined,
          scalableTargetArns: service.testListenerRule ? slots.map((slot) => slot!.scalingTarget.arn) : undefined,
          taskDefinitionFamilies: [
            serviceName(ws.namePrefix, svc.name),
            ...(svc.migration ? [migrationFamily(ws.namePrefix, svc.name)] : []),
          ],
          executionRoleArn: service.executionRole.arn,
          taskRoleArn: service.taskRole.arn,
          repositoryArn: workload.repositories[svc.name].repository.arn,
          parameterArns: [workload.imageParameters[svc.name].arn, workload.imageTagParameters[svc.name].arn],
        };
      }),
      releasesTableArn: workload.releases.table.arn,
      pullRepositoryArns: ci.release.promoteFrom.flatMap((name) => {
        const source = all.find((w) => w.name === name);
        return (source?.services ?? []).map((svc) =>
          repositoryArn(source!.region, source!.accountId, repositoryName(project.project, source!.name, svc.name)),
        );
      }),
    });
    new TerraformOutput(this, "ci_role_arns", {
      description: "GitHub Actions roles (configure-aws-credentials role-to-assume)",
      value: { plan: roles.planRole.arn, release: roles.releaseRole.arn },
    });
    return roles;
  }

  private createWorkloadOutputs(ws: WorkspaceConfig): void {
    const workload = this.workload;
    new TerraformOutput(this, "cluster_name", { value: workload.cluster.cluster.name, description: "ECS cluster" });
    new TerraformOutput(this, "services", {
      description: "Per service: ECS service, repository URL, image and image tag parameters, log group",
      value: Object.fromEntries(
        ws.services.map((svc) => [
          svc.name,
          {
            service: workload.services[svc.name].service.name,
            repository_url: workload.repositories[svc.name].repository.repositoryUrl,
            image_parameter: workload.imageParameters[svc.name].name,
            image_tag_parameter: workload.imageTagParameters[svc.name].name,
            log_group: workload.services[svc.name].logGroup.name,
          },
        ]),
      ),
    });
    new TerraformOutput(this, "releases_table", {
      value: workload.releases.table.name,
      description: "DynamoDB table of every release and rollback (npm run releases)",
    });
    new TerraformOutput(this, "secret_arns", {
      description: "Secrets Manager secrets by declared name (values are written by npm run secrets)",
      value: Object.fromEntries(Object.entries(workload.secrets.secrets).map(([name, s]) => [name, s.arn])),
    });
    if (workload.loadBalancer) {
      new TerraformOutput(this, "load_balancer_dns_name", { value: workload.loadBalancer.loadBalancer.dnsName });
      new TerraformOutput(this, "zone_id", { value: workload.loadBalancer.zoneId });
      if (workload.loadBalancer.nameServers) {
        new TerraformOutput(this, "zone_name_servers", {
          value: workload.loadBalancer.nameServers,
          description: "Delegate the workspace's zone to these name servers",
        });
      }
    }
    if (workload.database) {
      new TerraformOutput(this, "database_endpoint", { value: workload.database.instance.endpoint });
      new TerraformOutput(this, "database_master_secret_arn", {
        value: workload.database.masterUserSecretArn,
        description: "Secrets Manager secret RDS manages the master credentials in",
      });
    }
  }
}

/** The ECS service of one slot of a service: the service itself, or one colour of a blue/green service. */
function ecsServiceName(namePrefix: string, service: string, slot: string): string {
  return slot === "blue" || slot === "green"
    ? blueGreenServiceName(namePrefix, service, slot)
    : serviceName(namePrefix, service);
}

/** Each service as the alarms and the dashboard watch it: its ECS services, target groups, minimum and thresholds. */
export function watchedServices(ws: WorkspaceConfig, workload: Workload): WatchedService[] {
  return ws.services.map((svc) => {
    const service = workload.services[svc.name];
    const { enabled: _enabled, ...overrides } = svc.alarms;
    return {
      name: svc.name,
      // Names, not the services' name attributes: the services depend on their alarms, not the other way round.
      ecsServices: Object.entries(service.slots).map(([slotName, slot]) => ({
        name: ecsServiceName(ws.namePrefix, svc.name, slotName),
        targetGroupArnSuffix: slot!.targetGroup?.arnSuffix,
      })),
      minTasks: svc.autoscaling.min,
      thresholds: { ...ws.alarms.services, ...overrides },
    };
  });
}

/** The workload's settings from the workspace's configuration, field by field (a renamed field fails to compile). */
export function workloadProps(
  project: ProjectConfig,
  ws: WorkspaceConfig,
  network: Network,
  dataKey: DataKey,
): WorkloadProps {
  const db = ws.database;
  const database: WorkloadDatabase | undefined = db && {
    engine: db.engine,
    engineVersion: db.engineVersion,
    family: db.family,
    port: db.port,
    instanceClass: db.instanceClass,
    allocatedStorageGb: db.allocatedStorageGb,
    maxAllocatedStorageGb: db.maxAllocatedStorageGb,
    databaseName: db.databaseName,
    masterUsername: db.masterUsername,
    multiAz: db.multiAz,
    deletionProtection: db.deletionProtection,
    backupRetentionDays: db.backupRetentionDays,
    backupWindow: db.backupWindow,
    maintenanceWindow: db.maintenanceWindow,
    finalSnapshot: db.finalSnapshot,
    performanceInsights: db.performanceInsights,
    monitoringIntervalSeconds: db.monitoringIntervalSeconds,
    slowQueryMs: db.slowQueryMs,
    logExports: db.logExports,
  };
  return {
    project: project.project,
    workspace: ws.name,
    namePrefix: ws.namePrefix,
    accountId: ws.accountId,
    region: ws.region,
    network,
    dataKey,
    secrets: ws.secrets.map((s) => ({
      name: s.name,
      description: s.description,
      recoveryWindowDays: s.recoveryWindowDays,
    })),
    services: ws.services.map((svc) => workloadService(svc, ws.alarms.enabled)),
    database,
    cluster: {
      containerInsights: ws.cluster.containerInsights,
      fargateSpotWeight: ws.cluster.fargateSpotWeight,
      execEnabled: ws.cluster.execEnabled,
      ec2: ws.cluster.ec2 && {
        instanceType: ws.cluster.ec2.instanceType,
        minSize: ws.cluster.ec2.minSize,
        maxSize: ws.cluster.ec2.maxSize,
        targetCapacityPercent: ws.cluster.ec2.targetCapacityPercent,
      },
      maintenanceTaskImage: ws.cluster.maintenanceTask?.enabled ? ws.cluster.maintenanceTask.image : undefined,
      maintenanceIdleMinutes: ws.cluster.maintenanceTask?.enabled ? ws.cluster.maintenanceTask.idleMinutes : undefined,
    },
    dns: ws.dns && {
      zoneName: ws.dns.zoneName,
      createZone: ws.dns.createZone,
      certificateArn: ws.dns.certificateArn,
    },
    loadBalancer: {
      sslPolicy: ws.loadBalancer.sslPolicy,
      idleTimeoutSeconds: ws.loadBalancer.idleTimeoutSeconds,
      deletionProtection: ws.loadBalancer.deletionProtection,
      accessLogRetentionDays: ws.loadBalancer.accessLogRetentionDays,
      testListener: ws.loadBalancer.testListener && {
        port: ws.loadBalancer.testListener.port,
        allowedCidrs: ws.loadBalancer.testListener.allowedCidrs,
      },
      waf: ws.loadBalancer.waf && { rateLimitPer5Minutes: ws.loadBalancer.waf.rateLimitPer5Minutes },
    },
    registry: {
      keepTaggedImages: ws.registry.keepTaggedImages,
      untaggedExpiryDays: ws.registry.untaggedExpiryDays,
      pullAccountIds: ws.registry.pullAccountIds,
    },
    protectReleaseHistory: ws.production,
  };
}

/** One service's settings from its configuration, field by field. */
export function workloadService(svc: ServiceConfig, alarmsEnabled: boolean): WorkloadService {
  const hc = svc.containerHealthCheck;
  return {
    name: svc.name,
    port: svc.port,
    cpu: svc.cpu,
    memory: svc.memory,
    desiredCount: svc.desiredCount,
    autoscaling: {
      min: svc.autoscaling.min,
      max: svc.autoscaling.max,
      cpuTargetPercent: svc.autoscaling.cpuTargetPercent,
      requestsPerTarget: svc.autoscaling.requestsPerTarget,
    },
    command: svc.command,
    environment: svc.environment,
    hosts: svc.hosts,
    paths: svc.paths,
    priority: svc.priority,
    healthCheck: {
      path: svc.healthCheck.path,
      gracePeriodSeconds: svc.healthCheck.gracePeriodSeconds,
      intervalSeconds: svc.healthCheck.intervalSeconds,
      matcher: svc.healthCheck.matcher,
    },
    containerHealthCheck: hc && {
      command: hc.command,
      intervalSeconds: hc.intervalSeconds,
      timeoutSeconds: hc.timeoutSeconds,
      retries: hc.retries,
      startPeriodSeconds: hc.startPeriodSeconds,
    },
    deregistrationDelaySeconds: svc.deregistrationDelaySeconds,
    deployment: {
      minimumHealthyPercent: svc.deployment.minimumHealthyPercent,
      maximumPercent: svc.deployment.maximumPercent,
      rolloutTimeoutMinutes: svc.deployment.rolloutTimeoutMinutes,
      strategy: svc.deployment.strategy,
    },
    readonlyRootFilesystem: svc.readonlyRootFilesystem,
    logRetentionDays: svc.logRetentionDays,
    capacity: svc.capacity,
    migrationCommand: svc.migration?.command,
    taskPolicy: svc.taskPolicy.map((s) => ({ actions: s.actions, resources: s.resources })),
    public: svc.public,
    secrets: svc.secrets,
    parameters: svc.parameters,
    initialImageTag: svc.initialImageTag,
    deploymentAlarms: alarmsEnabled && svc.alarms.enabled,
  };
}
