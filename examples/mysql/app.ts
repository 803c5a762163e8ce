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
};

export default app;
