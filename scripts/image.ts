/**
 * npm run --silent image -- <workspace> <service> [--json]
 *
 * Prints where a service's images go and which roles release it, from the environment files alone (no AWS call):
 * what a pipeline needs before it has credentials.
 */
import { findService, findWorkspace, loadProjectEnvironments, main } from "./lib/cli";
import { planRoleName, releaseRoleName, repositoryName, roleArn } from "../src/naming";

const USAGE = `Usage: npm run --silent image -- <workspace> <service> [--json]

Prints, from the environment files (no AWS call): the service's ECR repository URL and registry, the
workspace's account and region, the ARNs of its CI plan and release roles and of its deploy role, and the
service's deployment strategy. --json prints one JSON object (for CI).

Exit codes: 0 printed; 2 unknown workspace or service.`;

main(
  { usage: USAGE, positionals: ["workspace", "service"], options: { json: { type: "boolean" } } },
  ({ positionals, values }) => {
    const environments = loadProjectEnvironments();
    const workspace = findWorkspace(environments, positionals[0]);
    const service = findService(workspace, positionals[1]);
    const registry = `${workspace.accountId}.dkr.ecr.${workspace.region}.amazonaws.com`;
    const info = {
      workspace: workspace.name,
      service: service.name,
      accountId: workspace.accountId,
      region: workspace.region,
      registry,
      repositoryUrl: `${registry}/${repositoryName(environments.project.project, workspace.name, service.name)}`,
      releaseRoleArn: roleArn(workspace.accountId, releaseRoleName(workspace.namePrefix)),
      planRoleArn: roleArn(workspace.accountId, planRoleName(workspace.namePrefix)),
      deployRoleArn: roleArn(workspace.accountId, workspace.deployRoleName),
      strategy: service.deployment.strategy,
    };
    if (values.json) console.log(JSON.stringify(info));
    else for (const [key, value] of Object.entries(info)) console.log(`${key.padEnd(15)} ${value}`);
    return 0;
  },
);
