import type { WorkspaceInput } from "../../src/config";

type ServiceInput = NonNullable<WorkspaceInput["services"]>[number];

/**
 * Thirty services in one workspace, within a new account's default quotas: twenty public services on two shared
 * container ports (each task has its own address, so most teams run every container on the same port), two of them
 * released blue/green, and ten internal workers on a third port. The network ACLs hold one rule per distinct port,
 * the load balancer one listener rule and target group per service (two for blue/green); README "Limits" lists what
 * bounds a workspace and how to raise it.
 */
const publicServices: ServiceInput[] = Array.from({ length: 20 }, (_, i) => ({
  name: `web${String(i + 1).padStart(2, "0")}`,
  port: i % 2 === 0 ? 8080 : 3000,
  hosts: [`web${String(i + 1).padStart(2, "0")}.app.example.com`],
  healthCheck: { path: "/health" },
  ...(i < 2 ? { deployment: { strategy: "blue-green" as const } } : {}),
  ...(i % 4 === 0
    ? { secrets: { DATABASE_HOST: { parameter: "database/HOST" }, DATABASE_PASSWORD: { databaseSecret: "password" } } }
    : {}),
}));

const workers: ServiceInput[] = Array.from({ length: 10 }, (_, i) => ({
  name: `worker${String(i + 1).padStart(2, "0")}`,
  port: 9000,
  public: false,
  command: ["node", "worker.js"],
  secrets: { DATABASE_HOST: { parameter: "database/HOST" }, DATABASE_PASSWORD: { databaseSecret: "password" } },
}));

const app: WorkspaceInput = {
  name: "app",
  accountId: "222222222222",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  network: { cidr: "10.42.0.0/16", azCount: 3 },
  dns: { zoneName: "app.example.com" },
  loadBalancer: { testListener: { allowedCidrs: ["203.0.113.0/24"] } },
  services: [...publicServices, ...workers],
  database: { engineVersion: "16", instanceClass: "db.t4g.micro" },
  // Findings of the security controls accepted on purpose (README, "Security controls at synth").
  policy: {
    waivers: [
      {
        control: "ELB.6",
        resource: "aws_lb.*",
        reason: "A non-production load balancer, destroyed and rebuilt freely",
      },
      {
        control: "ELB.16",
        resource: "aws_lb.*",
        reason: "No WAF in this scenario, to keep it small; environments/prod.ts shows loadBalancer.waf",
      },
      {
        control: "RDS.5",
        resource: "aws_db_instance.*",
        reason: "A single-AZ instance: a non-production workspace tolerates a zone outage",
      },
      {
        control: "RDS.8",
        resource: "aws_db_instance.*",
        reason: "A non-production database holding test data, recreated with the workspace",
      },
      {
        control: "RDS.11",
        resource: "aws_db_instance.*",
        reason: "One day of backups is enough for a non-production workspace's test data",
      },
    ],
  },
};

export default app;
