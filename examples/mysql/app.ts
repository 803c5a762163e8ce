import type { WorkspaceInput } from "../../src/config";

/**
 * MySQL 8.4 instead of PostgreSQL: port 3306 in the network ACLs and security groups, a parameter group that
 * requires TLS (`require_secure_transport`) and logs slow queries, and the error and slow-query logs exported.
 */
const app: WorkspaceInput = {
  name: "app",
  accountId: "222222222222",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  network: { cidr: "10.43.0.0/16" },
  dns: { zoneName: "app.example.com" },
  services: [
    {
      name: "web",
      port: 8080,
      hosts: ["www.app.example.com"],
      secrets: {
        DATABASE_HOST: { parameter: "database/HOST" },
        DATABASE_USER: { databaseSecret: "username" },
        DATABASE_PASSWORD: { databaseSecret: "password" },
      },
    },
  ],
  database: { engine: "mysql", engineVersion: "8.4", instanceClass: "db.t4g.small", slowQueryMs: 250 },
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
