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

/** SSM parameter holding a service's deployed image tag. */
export function imageTagParameter(project: string, workspace: string, service: string): string {
  return parameterPath(project, workspace, service, "IMAGE_TAG");
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

/** Task definition family of a service's one-off migration task. */
export function migrationFamily(namePrefix: string, service: string): string {
  return `${namePrefix}-${service}-migrate`;
}

/** Task definition family of the maintenance (database client) task. */
export function maintenanceFamily(namePrefix: string): string {
  return `${namePrefix}-maintenance`;
}

/** ECR repository of a service: `<project>/<workspace>/<service>`. */
export function repositoryName(project: string, workspace: string, service: string): string {
  return `${project}/${workspace}/${service}`;
}
