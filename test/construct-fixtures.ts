// Small, explicit props for the construct tests: every value is written here, none comes from environments/, so a
// change to a shipped environment never breaks a construct test. Each builder returns a fresh object; a test passes
// overrides for the one thing it is about.
import { Construct } from "constructs";
import { ContainerServiceProps, ContainerServiceSettings } from "../src/constructs/container-service";
import { DataKey, DataKeyProps } from "../src/constructs/data-key";
import { DatabaseProps } from "../src/constructs/database";
import { Network, NetworkProps } from "../src/constructs/network";
import { WorkloadDatabase, WorkloadProps, WorkloadService } from "../src/constructs/workload";
import { mustParseCidr } from "../src/lib/cidr";
import { deriveSubnetLayout } from "../src/lib/subnet-layout";

export const PROJECT = "acme";
export const WORKSPACE = "test";
export const NAME_PREFIX = "acme-test";
export const ACCOUNT_ID = "222222222222";
export const REGION = "us-east-1";
/** A key ARN given as a literal, for constructs that take the key rather than create it. */
export const KMS_KEY_ARN = "arn:aws:kms:us-east-1:222222222222:key/0f0e0d0c-0b0a-0908-0706-050403020100";
export const VPC_ID = "vpc-0123456789abcdef0";
export const SUBNET_IDS = ["subnet-aaaa", "subnet-bbbb"];
export const EXEC_LOG_GROUP_ARN = "arn:aws:logs:us-east-1:222222222222:log-group:/ecs/acme-test/exec";

export const VPC_CIDR = "10.10.0.0/16";
export const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];

/** A network in three zones with one NAT gateway, flow logs and gateway endpoints. */
export function networkProps(overrides: Partial<NetworkProps> = {}): NetworkProps {
  return {
    namePrefix: NAME_PREFIX,
    accountId: ACCOUNT_ID,
    region: REGION,
    cidr: VPC_CIDR,
    availabilityZones: ZONES,
    subnets: deriveSubnetLayout(mustParseCidr(VPC_CIDR), ZONES.length),
    natGateways: "single",
    appPorts: [8080],
    databasePort: 5432,
    flowLogs: true,
    flowLogRetentionDays: 30,
    flowLogTrafficType: "ALL",
    gatewayEndpoints: true,
    interfaceEndpoints: false,
    ...overrides,
  };
}

export function dataKeyProps(overrides: Partial<DataKeyProps> = {}): DataKeyProps {
  return {
    alias: `${NAME_PREFIX}-data`,
    description: "Encrypts acme-test's data",
    accountId: ACCOUNT_ID,
    region: REGION,
    protect: false,
    ...overrides,
  };
}

/** A single-AZ PostgreSQL 16 micro instance with every optional feature off. */
export function databaseProps(overrides: Partial<DatabaseProps> = {}): DatabaseProps {
  return {
    namePrefix: NAME_PREFIX,
    project: PROJECT,
    workspace: WORKSPACE,
    vpcId: VPC_ID,
    subnetIds: SUBNET_IDS,
    kmsKeyArn: KMS_KEY_ARN,
    ...workloadDatabase(),
    ...overrides,
  };
}

/** The database as the Workload takes it (without the names, network and key the workload supplies). */
export function workloadDatabase(overrides: Partial<WorkloadDatabase> = {}): WorkloadDatabase {
  return {
    engine: "postgres",
    engineVersion: "16",
    family: "postgres16",
    port: 5432,
    instanceClass: "db.t4g.micro",
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 100,
    databaseName: "app",
    masterUsername: "app_admin",
    multiAz: false,
    deletionProtection: false,
    backupRetentionDays: 1,
    backupWindow: "03:00-04:00",
    maintenanceWindow: "sun:04:30-sun:05:30",
    finalSnapshot: false,
    performanceInsights: false,
    monitoringIntervalSeconds: 0,
    slowQueryMs: 500,
    logExports: ["postgresql", "upgrade"],
    ...overrides,
  };
}

/** A service named `api` on port 8080, read-only root filesystem, no routing, no task policy. */
export function serviceSettings(overrides: Partial<ContainerServiceSettings> = {}): ContainerServiceSettings {
  return {
    name: "api",
    port: 8080,
    cpu: 512,
    memory: 1024,
    desiredCount: 1,
    autoscaling: { min: 1, max: 3, cpuTargetPercent: 60, requestsPerTarget: 1000 },
    environment: {},
    hosts: [],
    paths: [],
    priority: 10,
    healthCheck: { path: "/health", gracePeriodSeconds: 60, intervalSeconds: 30, matcher: "200-399" },
    deregistrationDelaySeconds: 30,
    deployment: { minimumHealthyPercent: 100, maximumPercent: 200, rolloutTimeoutMinutes: 20, strategy: "rolling" },
    readonlyRootFilesystem: true,
    logRetentionDays: 30,
    capacity: "fargate",
    taskPolicy: [],
    ...overrides,
  };
}

/** ContainerService props with literal ARNs: Fargate only, no load balancer, no references, ECS Exec off. */
export function containerServiceProps(overrides: Partial<ContainerServiceProps> = {}): ContainerServiceProps {
  return {
    namePrefix: NAME_PREFIX,
    region: REGION,
    accountId: ACCOUNT_ID,
    service: serviceSettings(),
    clusterArn: "arn:aws:ecs:us-east-1:222222222222:cluster/acme-test-cluster",
    clusterName: "acme-test-cluster",
    fargateStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 1 }],
    vpcId: VPC_ID,
    subnetIds: SUBNET_IDS,
    repositoryUrl: "222222222222.dkr.ecr.us-east-1.amazonaws.com/acme/test/api",
    repositoryArn: "arn:aws:ecr:us-east-1:222222222222:repository/acme/test/api",
    imageParameterName: "/acme/test/api/IMAGE",
    secrets: {},
    kmsKeyArn: KMS_KEY_ARN,
    execEnabled: false,
    deploymentAlarms: false,
    ...overrides,
  };
}

/** A workload service: public, with no references or parameters, starting at tag `latest`. */
export function workloadService(overrides: Partial<WorkloadService> = {}): WorkloadService {
  return {
    ...serviceSettings(),
    public: true,
    secrets: {},
    parameters: {},
    initialImageTag: "latest",
    deploymentAlarms: true,
    ...overrides,
  };
}

/**
 * Three services that between them take every path through the workload:
 * - `web`, public on 3000, reads a declared secret and nothing of the database;
 * - `api`, public on 8080 under /api/*, reads its own parameter, a declared secret and the database credentials;
 * - `worker`, not public, reads the database endpoint parameters only.
 */
export function workloadServices(): WorkloadService[] {
  return [
    workloadService({
      name: "web",
      port: 3000,
      hosts: ["app.test.acme.example.com"],
      priority: 100,
      secrets: { SESSION_SIGNING_KEY: { secret: "web-session-key" } },
    }),
    workloadService({
      name: "api",
      port: 8080,
      hosts: ["app.test.acme.example.com"],
      paths: ["/api/*"],
      priority: 10,
      parameters: { LOG_LEVEL: "debug" },
      secrets: {
        LOG_LEVEL: { parameter: "LOG_LEVEL" },
        DATABASE_USER: { databaseSecret: "username" },
        DATABASE_PASSWORD: { databaseSecret: "password" },
        STRIPE_API_KEY: { secret: "stripe-api-key" },
      },
      migrationCommand: ["npm", "run", "db:migrate"],
    }),
    workloadService({
      name: "worker",
      port: 9000,
      public: false,
      initialImageTag: "v1",
      secrets: { DATABASE_HOST: { parameter: "database/HOST" }, DATABASE_PORT: { parameter: "database/PORT" } },
    }),
  ];
}

/** WorkloadProps without the two constructs the workload is given. */
export type WorkloadSettings = Omit<WorkloadProps, "network" | "dataKey">;

/**
 * Props of a Workload with the services above, two secrets, a database, ECS Exec, the maintenance task, a created DNS
 * zone and a registry other accounts pull from. The Network (two zones) and the DataKey it needs are created in
 * `scope`.
 */
export function workloadProps(scope: Construct, overrides: Partial<WorkloadSettings> = {}): WorkloadProps {
  const dataKey = new DataKey(scope, "DataKey", dataKeyProps());
  const zones = ZONES.slice(0, 2);
  const network = new Network(
    scope,
    "Network",
    networkProps({
      availabilityZones: zones,
      subnets: deriveSubnetLayout(mustParseCidr(VPC_CIDR), zones.length),
      appPorts: [3000, 8080],
    }),
  );
  return {
    project: PROJECT,
    workspace: WORKSPACE,
    namePrefix: NAME_PREFIX,
    accountId: ACCOUNT_ID,
    region: REGION,
    network,
    dataKey,
    secrets: [
      { name: "web-session-key", description: "Signs session cookies", recoveryWindowDays: 7 },
      { name: "stripe-api-key", description: "Stripe API key", recoveryWindowDays: 7 },
    ],
    services: workloadServices(),
    database: workloadDatabase(),
    cluster: {
      containerInsights: true,
      fargateSpotWeight: 0,
      execEnabled: true,
      maintenanceTaskImage: "public.ecr.aws/docker/library/postgres:16-alpine",
      maintenanceIdleMinutes: 60,
    },
    dns: { zoneName: "test.acme.example.com", createZone: true },
    loadBalancer: {
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      idleTimeoutSeconds: 60,
      deletionProtection: false,
      accessLogRetentionDays: 90,
    },
    registry: { keepTaggedImages: 12, untaggedExpiryDays: 3, pullAccountIds: ["444444444444"] },
    protectReleaseHistory: false,
    ...overrides,
  };
}
