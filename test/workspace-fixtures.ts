// A project and a workspace written out here, not read from environments/, and validated as the loader validates a
// file, for the stack tests: what a stack does with its configuration is tested without depending on what the
// shipped environments choose. Every call returns a fresh copy; `change` edits the input before validation.
import {
  ProjectConfig,
  ProjectInput,
  validateProject,
  validateWorkspace,
  WorkspaceConfig,
  WorkspaceInput,
} from "../src/config";

export const FIXTURE_PROJECT_FILE = "fixtures/bootstrap.ts";
export const FIXTURE_WORKSPACE_FILE = "fixtures/stage.ts";

/** The project: acme, state in account 111111111111, bootstrapped through terraform-deploy. */
export function fixtureProjectInput(): ProjectInput {
  return {
    project: "acme",
    masterAccountId: "111111111111",
    region: "us-east-1",
    deployRoleName: "terraform-deploy",
    stateBucket: { noncurrentVersionExpirationDays: 45 },
    tags: { Owner: "platform" },
  };
}

/**
 * Workspace `stage` in account 555555555555: two zones, one NAT gateway, a created DNS zone, ECS Exec and the
 * maintenance task, a public `web` reading a secret, a public `api` reading the database password, a private
 * `worker`, and a PostgreSQL database.
 */
export function fixtureWorkspaceInput(): WorkspaceInput {
  return {
    name: "stage",
    accountId: "555555555555",
    region: "us-east-1",
    deployRoleName: "terraform-deploy",
    statePrincipals: ["arn:aws:iam::555555555555:role/ci-stage"],
    tags: { CostCenter: "engineering" },
    network: {
      cidr: "10.30.0.0/16",
      azCount: 2,
      natGateways: "single",
      endpoints: { gateway: true, interface: false },
    },
    dns: { zoneName: "stage.acme.example.com", createZone: true },
    cluster: { execEnabled: true, maintenanceTask: { enabled: true } },
    services: [
      {
        name: "web",
        port: 3000,
        hosts: ["app.stage.acme.example.com"],
        priority: 100,
        environment: { NODE_ENV: "production" },
        secrets: { SESSION_SIGNING_KEY: { secret: "web-session-key" } },
        containerHealthCheck: { command: ["CMD-SHELL", "curl -f localhost:3000/health"] },
      },
      {
        name: "api",
        port: 8080,
        hosts: ["app.stage.acme.example.com"],
        paths: ["/api/*"],
        priority: 10,
        parameters: { LOG_LEVEL: "info" },
        secrets: { LOG_LEVEL: { parameter: "LOG_LEVEL" }, DATABASE_PASSWORD: { databaseSecret: "password" } },
        migration: { command: ["npm", "run", "db:migrate"] },
        taskPolicy: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-stage-uploads/*"] }],
      },
      { name: "worker", port: 9000, public: false, command: ["node", "worker.js"] },
    ],
    secrets: [
      {
        name: "web-session-key",
        description: "Signs the web front end's session cookies",
        readers: ["web"],
        source: "generated",
      },
    ],
    database: { engine: "postgres", engineVersion: "16", instanceClass: "db.t4g.micro" },
  };
}

export function fixtureProject(change: (input: ProjectInput) => void = () => {}): ProjectConfig {
  const input = fixtureProjectInput();
  change(input);
  return validateProject(input, FIXTURE_PROJECT_FILE);
}

export function fixtureWorkspace(change: (input: WorkspaceInput) => void = () => {}): WorkspaceConfig {
  const input = fixtureWorkspaceInput();
  change(input);
  return validateWorkspace(input, FIXTURE_WORKSPACE_FILE, fixtureProject());
}
