import type { WorkspaceInput } from "../src/config";

/**
 * Production: what costs money is switched on here (three AZs, a NAT gateway per AZ, interface endpoints, a
 * multi-AZ database with deletion protection and two weeks of backups, which `production: true` makes the default).
 * Every field is documented in src/config/schema.ts.
 */
const prod: WorkspaceInput = {
  name: "prod",
  accountId: "333333333333",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  production: true,
  tags: {
    CostCenter: "engineering",
  },
  network: {
    cidr: "10.20.0.0/16",
    azCount: 3,
    natGateways: "one-per-az",
    flowLogs: { retentionDays: 365 },
    endpoints: { gateway: true, interface: true },
    peerWith: ["dev"],
  },
  dns: {
    zoneName: "acme.example.com",
    createZone: true,
  },
  loadBalancer: {
    idleTimeoutSeconds: 60,
    accessLogRetentionDays: 365,
    // Blue-green releases are validated through this listener before production traffic moves; only the CI
    // runners' egress network and the office VPN reach it.
    testListener: { port: 8443, allowedCidrs: ["203.0.113.0/24", "198.51.100.0/24"] },
    waf: { rateLimitPer5Minutes: 2000 },
  },
  cluster: {
    execEnabled: false,
  },
  services: [
    {
      name: "web",
      port: 3000,
      cpu: 512,
      memory: 1024,
      desiredCount: 2,
      autoscaling: { min: 2, max: 6 },
      hosts: ["app.acme.example.com"],
      priority: 100,
      healthCheck: { path: "/health" },
      environment: { NODE_ENV: "production", API_BASE_PATH: "/api" },
      secrets: { SESSION_SIGNING_KEY: { secret: "web-session-key" } },
      logRetentionDays: 90,
    },
    {
      name: "api",
      port: 8080,
      cpu: 1024,
      memory: 2048,
      desiredCount: 2,
      autoscaling: { min: 2, max: 10 },
      hosts: ["app.acme.example.com"],
      paths: ["/api/*"],
      priority: 10,
      healthCheck: { path: "/api/health" },
      parameters: { LOG_LEVEL: "info" },
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
      logRetentionDays: 90,
      deployment: {
        strategy: "blue-green",
        blueGreen: {
          // 10% for five minutes, then half for five minutes, then everything; the old version stays warm an hour.
          trafficSteps: [
            { percent: 10, bakeSeconds: 300 },
            { percent: 50, bakeSeconds: 300 },
            { percent: 100, bakeSeconds: 0 },
          ],
          keepPreviousMinutes: 60,
          validation: { http: { path: "/api/health", expectedStatus: 200 } },
        },
      },
    },
  ],
  secrets: [
    {
      name: "web-session-key",
      description: "Signs the web front end's session cookies",
      readers: ["web"],
      source: "generated",
      length: 64,
    },
    { name: "stripe-api-key", description: "Stripe API key (live mode)", readers: ["api"], source: "provided" },
  ],
  database: {
    engine: "postgres",
    engineVersion: "16",
    instanceClass: "db.m7g.large",
    allocatedStorageGb: 50,
    maxAllocatedStorageGb: 500,
  },
  ci: {
    repository: "acme/platform",
    applicationRepositories: ["acme/backend"],
    plan: { pullRequests: true, refs: ["refs/heads/main"] },
    // Production releases only from the protected "prod" GitHub environment (required reviewers), never from a ref.
    release: { environments: ["prod"], promoteFrom: ["dev"] },
  },
};

export default prod;
