/**
 * Names of the resources that scripts and people look up by name. The stacks create them through these functions and
 * the scripts (`npm run secrets`, `npm run task`, `npm run deploy-image`) find them through the same ones, so the
 * two can never disagree.
 */

/** ARN of a role in an account (the deploy and state roles the stacks and scripts assume). */
export function roleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** `/<project>/<workspace>/<component>/<NAME>`: the SSM parameter path scheme. */
export function parameterPath(project: string, workspace: string, component: string, name: string): string {
  return `/${project}/${workspace}/${component}/${name}`;
}

/** Secrets Manager name of a declared secret: `<project>/<workspace>/<secret>`. */
export function secretName(project: string, workspace: string, secret: string): string {
  return `${project}/${workspace}/${secret}`;
}

/** SSM parameter holding the tag of the image a service runs (for people, and for services that read it). */
export function imageTagParameter(project: string, workspace: string, service: string): string {
  return parameterPath(project, workspace, service, "IMAGE_TAG");
}

/**
 * SSM parameter holding the exact image a service runs: `<repository>@sha256:<digest>` once released, the
 * repository and initial tag before. The stack reads it for every task definition; a release writes it.
 */
export function imageParameter(project: string, workspace: string, service: string): string {
  return parameterPath(project, workspace, service, "IMAGE");
}

/** DynamoDB table of every release and rollback of a workspace's services. */
export function releasesTableName(namePrefix: string): string {
  return `${namePrefix}-releases`;
}

/** The role in the master account that can read, write and lock one workspace's state. */
export function stateRoleName(project: string, workspace: string): string {
  return `${project}-tfstate-${workspace}`;
}

/** The role in the master account that can only read one workspace's state (pull-request plans, drift checks). */
export function stateReadRoleName(project: string, workspace: string): string {
  return `${project}-tfstate-${workspace}-read`;
}

/** CI role of a workspace that plans: read-only in the account, read-only on its state. */
export function planRoleName(namePrefix: string): string {
  return `${namePrefix}-ci-plan`;
}

/** CI role of a workspace that releases images to its services, and nothing else. */
export function releaseRoleName(namePrefix: string): string {
  return `${namePrefix}-ci-release`;
}

export function clusterName(namePrefix: string): string {
  return `${namePrefix}-cluster`;
}

/** ECS service name, task definition family, security group and target group name of a service. */
export function serviceName(namePrefix: string, service: string): string {
  return `${namePrefix}-${service}`;
}

/**
 * Target group of a service: its name carries the port, so a port change creates the new group before the old one
 * is destroyed (a fixed name would have to be destroyed first, which AWS refuses while the listener rule uses it).
 */
export function targetGroupName(namePrefix: string, service: string, port: number): string {
  return `${namePrefix}-${service}-${port}`;
}

/** ECS service of one colour of a blue/green service (both run the service's task definition family). */
export function blueGreenServiceName(namePrefix: string, service: string, slot: "blue" | "green"): string {
  return `${namePrefix}-${service}-${slot}`;
}

/** Target group of one colour of a blue/green service: `<prefix>-<service>-b-<port>` or `-g-`. */
export function blueGreenTargetGroupName(
  namePrefix: string,
  service: string,
  slot: "blue" | "green",
  port: number,
): string {
  return `${namePrefix}-${service}-${slot[0]}-${port}`;
}

/** Task definition family of a service's one-off migration task. */
export function migrationFamily(namePrefix: string, service: string): string {
  return `${namePrefix}-${service}-migrate`;
}

/** Task definition family of the maintenance (database client) task. */
export function maintenanceFamily(namePrefix: string): string {
  return `${namePrefix}-maintenance`;
}

/** ARN of an ECR repository. */
export function repositoryArn(region: string, accountId: string, repository: string): string {
  return `arn:aws:ecr:${region}:${accountId}:repository/${repository}`;
}

/** ECR repository of a service: `<project>/<workspace>/<service>`. */
export function repositoryName(project: string, workspace: string, service: string): string {
  return `${project}/${workspace}/${service}`;
}

/** SNS topic every alarm of a workspace notifies. */
export function alarmTopicName(namePrefix: string): string {
  return `${namePrefix}-alarms`;
}

/**
 * CloudWatch alarm of one ECS service (or one colour of a blue/green service) on one metric, e.g.
 * `acme-dev-api-5xx`. ECS deployment alarms are named by this function, so a service can name its alarms before
 * they exist.
 */
export function serviceAlarmName(ecsServiceName: string, metric: string): string {
  return `${ecsServiceName}-${metric}`;
}

/** CloudWatch alarm of a workspace-wide resource (load balancer, database, NAT gateway), e.g. `acme-dev-db-cpu`. */
export function workspaceAlarmName(namePrefix: string, resource: string, metric: string): string {
  return `${namePrefix}-${resource}-${metric}`;
}

/** CloudWatch dashboard of a workspace. */
export function dashboardName(namePrefix: string): string {
  return namePrefix;
}

/** The operator role of a workspace: ECS Exec, its logs, the maintenance task. */
export function operatorRoleName(namePrefix: string): string {
  return `${namePrefix}-operator`;
}

/** Log group of a service's containers. */
export function serviceLogGroupName(namePrefix: string, service: string): string {
  return `/ecs/${namePrefix}/${service}`;
}

/**
 * SSM parameter holding where the maintenance task runs (`{"subnets": [...], "securityGroups": [...]}`), which
 * `npm run task -- <workspace> maintenance` reads.
 */
export function maintenanceNetworkParameter(project: string, workspace: string): string {
  return parameterPath(project, workspace, "maintenance", "NETWORK");
}
