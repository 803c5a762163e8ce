import type { WorkspaceInput } from "../../src/config";

/**
 * A queue worker next to a public API: `public: false` gives the worker no listener rule, no target group and
 * no inbound security group rule at all; it only opens connections out (HTTPS, and the database port because it
 * reads the database's parameters and credentials).
 */
const app: WorkspaceInput = {
  name: "app",
  accountId: "222222222222",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  network: { cidr: "10.42.0.0/16" },
  dns: { zoneName: "app.example.com" },
  services: [
    {
      name: "api",
      port: 8080,
      hosts: ["api.app.example.com"],
      secrets: { DATABASE_HOST: { parameter: "database/HOST" }, DATABASE_PASSWORD: { databaseSecret: "password" } },
    },
    {
      name: "worker",
      port: 9000,
      public: false,
      command: ["node", "worker.js"],
      autoscaling: { min: 1, max: 5, cpuTargetPercent: 70 },
      secrets: { DATABASE_HOST: { parameter: "database/HOST" }, DATABASE_PASSWORD: { databaseSecret: "password" } },
      taskPolicy: [
        {
          actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
          resources: ["arn:aws:sqs:us-east-1:222222222222:jobs"],
        },
      ],
    },
  ],
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
