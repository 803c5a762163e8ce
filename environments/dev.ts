import type { WorkspaceInput } from "../src/config";

/**
 * Development: cheap defaults (one NAT gateway, two AZs, no interface endpoints, a single-AZ micro database,
 * Fargate Spot in the mix) and operator conveniences (ECS Exec, a maintenance task).
 * Every field is documented in src/config/schema.ts.
 */
const dev: WorkspaceInput = {
  name: "dev",
  accountId: "222222222222",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  production: false,
  tags: {
    CostCenter: "engineering",
  },
  network: {
    cidr: "10.10.0.0/16",
    azCount: 2,
    natGateways: "single",
    flowLogs: { retentionDays: 14 },
    endpoints: { gateway: true, interface: false },
    peerWith: ["prod"],
  },
  dns: {
    zoneName: "dev.acme.example.com",
    createZone: true,
  },
  cluster: {
    fargateSpotWeight: 1,
    execEnabled: true,
    maintenanceTask: { enabled: true },
  },
  services: [
    {
      name: "web",
      port: 3000,
      cpu: 256,
      memory: 512,
      desiredCount: 1,
      autoscaling: { min: 1, max: 2 },
      hosts: ["app.dev.acme.example.com"],
      priority: 100,
      healthCheck: { path: "/health" },
      environment: { NODE_ENV: "production", API_BASE_PATH: "/api" },
      secrets: { SESSION_SIGNING_KEY: { secret: "web-session-key" } },
    },
    {
      name: "api",
      port: 8080,
      cpu: 512,
      memory: 1024,
      desiredCount: 1,
      autoscaling: { min: 1, max: 3 },
      hosts: ["app.dev.acme.example.com"],
      paths: ["/api/*"],
      priority: 10,
      healthCheck: { path: "/api/health" },
      parameters: { LOG_LEVEL: "debug" },
      secrets: {
        LOG_LEVEL: { parameter: "LOG_LEVEL" },
        DATABASE_HOST: { parameter: "database/HOST" },
        DATABASE_PORT: { parameter: "database/PORT" },
        DATABASE_NAME: { parameter: "database/NAME" },
        DATABASE_USER: { databaseSecret: "username" },
        DATABASE_PASSWORD: { databaseSecret: "password" },
        STRIPE_API_KEY: { secret: "stripe-api-key" },
      },
      migration: { command: ["npm", "run", "db:migrate"] },
    },
  ],
  secrets: [
    {
      name: "web-session-key",
      description: "Signs the web front end's session cookies",
      readers: ["web"],
      source: "generated",
      length: 64,
      recoveryWindowDays: 7,
    },
    {
      name: "stripe-api-key",
      description: "Stripe API key (test mode in dev)",
      readers: ["api"],
      source: "provided",
      recoveryWindowDays: 7,
    },
  ],
  database: {
    engine: "postgres",
    engineVersion: "16",
    instanceClass: "db.t4g.micro",
  },
  // prod's releases copy the exact digest dev ran, so prod's account may pull from dev's repositories.
  registry: {
    pullAccountIds: ["333333333333"],
  },
  ci: {
    repository: "acme/platform",
    applicationRepositories: ["acme/backend"],
    plan: { pullRequests: true, refs: ["refs/heads/main"] },
    release: { environments: ["dev"], refs: ["refs/tags/v*"] },
  },
  // dev trades availability and recovery for cost: it is rebuilt from code, and its data is test data.
  policy: {
    waivers: [
      {
        control: "ELB.6",
        resource: "aws_lb.*",
        reason: "dev's load balancer is destroyed and rebuilt freely; nothing outside the team depends on it",
      },
      {
        control: "ELB.16",
        resource: "aws_lb.*",
        reason: "No WAF in dev (it bills per web ACL, rule and request); prod runs one and dev serves only test data",
      },
      {
        control: "RDS.5",
        resource: "aws_db_instance.*",
        reason: "A single-AZ micro instance: dev tolerates an hour's outage during a zone failure or maintenance",
      },
      {
        control: "RDS.8",
        resource: "aws_db_instance.*",
        reason: "dev's database holds test data only and is recreated with the workspace",
      },
      {
        control: "RDS.11",
        resource: "aws_db_instance.*",
        reason: "One day of backups is enough for test data; prod keeps fourteen",
      },
    ],
  },
};

export default dev;
