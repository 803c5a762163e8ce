import { Testing } from "cdktf";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { ServiceConfig } from "../../src/config";
import { workloadService } from "../../src/stacks/workspace-stack";
import {
  ContainerService,
  ContainerServiceProps,
  ContainerServiceSettings,
} from "../../src/constructs/container-service";
import { inlinePoliciesOf, PolicyStatement, resourcesForService, roleStatements } from "../../test/iam";
import {
  realEnvironments,
  refTarget,
  resourcesOf,
  Synthesized,
  synthWorkspace,
  workspaceNamed,
} from "../../test/stacks";
import { addressWith, configAt } from "../../test/terraform";

const dev = synthWorkspace("dev").parsed;
const prod = synthWorkspace("prod").parsed;
const WORKSPACES: Record<string, Synthesized> = { dev, prod };

const ref = (address: string, attribute: string) => `\${${address}.${attribute}}`;

/** Statements of the execution or task role of a service, e.g. role(dev, "acme-dev-api", "execution"). */
function roleOf(parsed: Synthesized, service: string, kind: "execution" | "task"): string {
  return addressWith(parsed, "aws_iam_role", "name", `${service}-${kind}`);
}
function statementsOfRole(parsed: Synthesized, service: string, kind: "execution" | "task"): PolicyStatement[] {
  return roleStatements(parsed, roleOf(parsed, service, kind));
}

/** The one container of a task definition family. */
function containerOf(parsed: Synthesized, family: string): Record<string, unknown> {
  const td = configAt(parsed, addressWith(parsed, "aws_ecs_task_definition", "family", family));
  const containers = JSON.parse(String(td.container_definitions)) as Record<string, unknown>[];
  expect(containers).toHaveLength(1);
  return containers[0];
}

const secretArn = (parsed: Synthesized, name: string) =>
  ref(addressWith(parsed, "aws_secretsmanager_secret", "name", name), "arn");
const parameterArn = (parsed: Synthesized, name: string) =>
  ref(addressWith(parsed, "aws_ssm_parameter", "name", name), "arn");
const masterSecretArn = (parsed: Synthesized) =>
  `\${${addressWith(parsed, "aws_db_instance", "identifier", "acme-dev-db")}.master_user_secret[0].secret_arn}`;
const dataKeyArn = (parsed: Synthesized) =>
  ref(Object.keys(parsed.resource.aws_kms_key).map((n) => `aws_kms_key.${n}`)[0], "arn");
const serviceNamed = (parsed: Synthesized, name: string) =>
  configAt(parsed, addressWith(parsed, "aws_ecs_service", "name", name));

// Construct-level props for what the real environments do not exercise.
const DEV_CONFIG = workspaceNamed(realEnvironments(), "dev");
function serviceConfig(name: string, overrides: Partial<ServiceConfig> = {}): ContainerServiceSettings {
  const svc = DEV_CONFIG.services.find((s) => s.name === name);
  if (!svc) throw new Error(`no service ${name} in dev`);
  return workloadService({ ...svc, ...overrides });
}
function baseProps(overrides: Partial<ContainerServiceProps> = {}): ContainerServiceProps {
  return {
    namePrefix: "acme-test",
    region: "us-east-1",
    accountId: "222222222222",
    service: serviceConfig("web", { secrets: {} }),
    clusterArn: "arn:aws:ecs:us-east-1:222222222222:cluster/acme-test-cluster",
    clusterName: "acme-test-cluster",
    fargateStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 1 }],
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-aaaa", "subnet-bbbb"],
    repositoryUrl: "222222222222.dkr.ecr.us-east-1.amazonaws.com/acme/test/web",
    repositoryArn: "arn:aws:ecr:us-east-1:222222222222:repository/acme/test/web",
    imageParameterName: "/acme/test/web/IMAGE",
    secrets: {},
    kmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/0f0e0d0c-0b0a-0908-0706-050403020100",
    execEnabled: false,
    ...overrides,
  };
}
function synthService(overrides: Partial<ContainerServiceProps> = {}): string {
  return Testing.synthScope((scope) => new ContainerService(scope, "Service", baseProps(overrides)));
}

describe("ContainerService execution role reads exactly the referenced secrets and parameters", () => {
  test("web may read the web-session-key secret and nothing else from Secrets Manager", () => {
    const statements = statementsOfRole(dev, "acme-dev-web", "execution");
    expect(resourcesForService(statements, "secretsmanager")).toEqual([secretArn(dev, "acme/dev/web-session-key")]);
  });

  test("web may read no SSM parameter", () => {
    expect(resourcesForService(statementsOfRole(dev, "acme-dev-web", "execution"), "ssm")).toEqual([]);
  });

  test("api may read the stripe secret and the RDS master secret and no other secret", () => {
    const statements = statementsOfRole(dev, "acme-dev-api", "execution");
    expect(resourcesForService(statements, "secretsmanager").sort()).toEqual(
      [secretArn(dev, "acme/dev/stripe-api-key"), masterSecretArn(dev)].sort(),
    );
  });

  test("api may read its own LOG_LEVEL and the database HOST, PORT and NAME parameters and no other", () => {
    const statements = statementsOfRole(dev, "acme-dev-api", "execution");
    expect(resourcesForService(statements, "ssm").sort()).toEqual(
      ["/acme/dev/api/LOG_LEVEL", "/acme/dev/database/HOST", "/acme/dev/database/PORT", "/acme/dev/database/NAME"]
        .map((n) => parameterArn(dev, n))
        .sort(),
    );
  });

  test.each(["dev", "prod"])(
    "in %s no execution role has a wildcard resource on a Secrets Manager or SSM action",
    (name) => {
      const parsed = WORKSPACES[name];
      const roles = resourcesOf(parsed, "aws_iam_role").filter((r) => String(r.name).endsWith("-execution"));
      expect(roles.length).toBeGreaterThanOrEqual(2);
      for (const role of roles) {
        const statements = roleStatements(parsed, addressWith(parsed, "aws_iam_role", "name", role.name));
        const granted = [
          ...resourcesForService(statements, "secretsmanager"),
          ...resourcesForService(statements, "ssm"),
        ];
        expect(granted.filter((r) => r.includes("*"))).toEqual([]);
      }
    },
  );

  test("execution roles may decrypt with the data key only through Secrets Manager and SSM", () => {
    for (const service of ["acme-dev-web", "acme-dev-api"]) {
      const kms = statementsOfRole(dev, service, "execution").filter((s) =>
        (s.actions ?? []).some((a) => a.startsWith("kms:")),
      );
      expect(kms).toHaveLength(1);
      expect(kms[0]).toMatchObject({
        actions: ["kms:Decrypt"],
        resources: [dataKeyArn(dev)],
        condition: [
          {
            test: "StringEquals",
            variable: "kms:ViaService",
            values: ["secretsmanager.us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"],
          },
        ],
      });
    }
  });

  test("execution roles pull only their own repository and write only their own log group", () => {
    const statements = statementsOfRole(dev, "acme-dev-api", "execution");
    const repo = addressWith(dev, "aws_ecr_repository", "name", "acme/dev/api");
    const logs = addressWith(dev, "aws_cloudwatch_log_group", "name", "/ecs/acme-dev/api");
    expect(statements.find((s) => s.actions?.includes("ecr:BatchGetImage"))?.resources).toEqual([ref(repo, "arn")]);
    expect(statements.find((s) => s.actions?.includes("logs:PutLogEvents"))?.resources).toEqual([
      `${ref(logs, "arn")}:*`,
    ]);
  });
});

describe("ContainerService task role", () => {
  test("is a separate role from the execution role", () => {
    const td = configAt(dev, addressWith(dev, "aws_ecs_task_definition", "family", "acme-dev-api"));
    expect(refTarget(td.task_role_arn)).toBe(roleOf(dev, "acme-dev-api", "task"));
    expect(refTarget(td.execution_role_arn)).toBe(roleOf(dev, "acme-dev-api", "execution"));
    expect(roleOf(dev, "acme-dev-api", "task")).not.toBe(roleOf(dev, "acme-dev-api", "execution"));
  });

  test("has no permissions without a taskPolicy or exec", () => {
    for (const service of ["acme-prod-web", "acme-prod-api"]) {
      const role = roleOf(prod, service, "task");
      expect(inlinePoliciesOf(prod, role)).toEqual([]);
      expect(resourcesOf(prod, "aws_iam_role_policy_attachment").filter((a) => refTarget(a.role) === role)).toEqual([]);
    }
  });

  test("holds exactly the statements of taskPolicy", () => {
    const parsed = JSON.parse(
      synthService({
        service: serviceConfig("web", {
          secrets: {},
          taskPolicy: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::uploads/*"] }],
        }),
      }),
    ) as Synthesized;
    const statements = roleStatements(parsed, addressWith(parsed, "aws_iam_role", "name", "acme-test-web-task"));
    expect(statements).toEqual([
      { sid: "App0", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::uploads/*"] },
    ]);
  });

  test("with exec, may open the session channel, decrypt with the data key and write the exec log group", () => {
    const statements = statementsOfRole(dev, "acme-dev-api", "task");
    const execLogs = addressWith(dev, "aws_cloudwatch_log_group", "name", "/ecs/acme-dev/exec");
    expect(statements.flatMap((s) => s.actions ?? []).sort()).toEqual(
      [
        "kms:Decrypt",
        "logs:CreateLogStream",
        "logs:DescribeLogGroups",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ].sort(),
    );
    expect(statements.find((s) => s.actions?.includes("kms:Decrypt"))?.resources).toEqual([dataKeyArn(dev)]);
    expect(statements.find((s) => s.actions?.includes("logs:PutLogEvents"))?.resources).toEqual([
      `${ref(execLogs, "arn")}:*`,
    ]);
  });
});

describe("ContainerService container definition", () => {
  const api = containerOf(dev, "acme-dev-api");
  const web = containerOf(dev, "acme-dev-web");

  test("injects secrets and parameters as valueFrom references, never values", () => {
    expect(api.secrets).toEqual([
      { name: "DATABASE_HOST", valueFrom: parameterArn(dev, "/acme/dev/database/HOST") },
      { name: "DATABASE_NAME", valueFrom: parameterArn(dev, "/acme/dev/database/NAME") },
      { name: "DATABASE_PASSWORD", valueFrom: `${masterSecretArn(dev)}:password::` },
      { name: "DATABASE_PORT", valueFrom: parameterArn(dev, "/acme/dev/database/PORT") },
      { name: "DATABASE_USER", valueFrom: `${masterSecretArn(dev)}:username::` },
      { name: "LOG_LEVEL", valueFrom: parameterArn(dev, "/acme/dev/api/LOG_LEVEL") },
      { name: "STRIPE_API_KEY", valueFrom: secretArn(dev, "acme/dev/stripe-api-key") },
    ]);
  });

  test("passes plain environment variables as environment", () => {
    expect(web.environment).toEqual([
      { name: "API_BASE_PATH", value: "/api" },
      { name: "NODE_ENV", value: "production" },
    ]);
    expect(api).not.toHaveProperty("environment");
  });

  test("runs the service's repository at the tag read from the image tag parameter", () => {
    const repo = addressWith(dev, "aws_ecr_repository", "name", "acme/dev/api");
    const tagParameter = addressWith(dev, "aws_ssm_parameter", "name", "/acme/dev/api/IMAGE_TAG");
    const [tagData] = Object.entries(dev.data!.aws_ssm_parameter).filter(
      ([, d]) => d.name === ref(tagParameter, "name"),
    );
    expect(tagData).toBeDefined();
    expect(api.image).toBe(`${ref(repo, "repository_url")}:\${data.aws_ssm_parameter.${tagData[0]}.insecure_value}`);
  });

  test("leaves the image tag parameter's value to the deploy step", () => {
    const tagParameter = configAt(dev, addressWith(dev, "aws_ssm_parameter", "name", "/acme/dev/api/IMAGE_TAG"));
    expect(tagParameter).toMatchObject({ type: "String", lifecycle: { ignore_changes: ["value"] } });
  });

  test("logs with awslogs to the service's own log group", () => {
    const logs = addressWith(dev, "aws_cloudwatch_log_group", "name", "/ecs/acme-dev/api");
    expect(api.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { "awslogs-group": ref(logs, "name"), "awslogs-region": "us-east-1", "awslogs-stream-prefix": "api" },
    });
  });

  test.each([
    ["dev", 30],
    ["prod", 90],
  ] as const)("in %s the service log group is KMS-encrypted and keeps records %i days", (name, days) => {
    const parsed = WORKSPACES[name];
    const logs = configAt(parsed, addressWith(parsed, "aws_cloudwatch_log_group", "name", `/ecs/acme-${name}/web`));
    expect(logs).toMatchObject({ kms_key_id: dataKeyArn(parsed), retention_in_days: days });
  });

  test("has a read-only root filesystem with a writable /tmp volume (prod, exec off)", () => {
    const td = configAt(prod, addressWith(prod, "aws_ecs_task_definition", "family", "acme-prod-web"));
    const container = containerOf(prod, "acme-prod-web");
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.mountPoints).toEqual([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
    expect(td.volume).toEqual([{ name: "tmp" }]);
  });

  test("with exec on, also gives the SSM agent writable state and log directories (dev)", () => {
    // Without them `aws ecs execute-command` fails against a read-only root filesystem.
    const td = configAt(dev, addressWith(dev, "aws_ecs_task_definition", "family", "acme-dev-web"));
    expect(web.readonlyRootFilesystem).toBe(true);
    expect(web.mountPoints).toEqual([
      { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
      { sourceVolume: "ssm-agent-state", containerPath: "/var/lib/amazon/ssm", readOnly: false },
      { sourceVolume: "ssm-agent-logs", containerPath: "/var/log/amazon/ssm", readOnly: false },
    ]);
    expect(td.volume).toEqual([{ name: "tmp" }, { name: "ssm-agent-state" }, { name: "ssm-agent-logs" }]);
  });

  test("enables the init process when exec is on", () => {
    expect(web.linuxParameters).toEqual({ initProcessEnabled: true });
  });

  test("has no init process when exec is off", () => {
    expect(containerOf(prod, "acme-prod-web")).not.toHaveProperty("linuxParameters");
  });

  test("exposes only the service port", () => {
    expect(api.portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
  });
});

describe("ContainerService ECS service", () => {
  const api = serviceNamed(dev, "acme-dev-api");

  test("runs in the app subnets without public IPs, behind its own security group", () => {
    const appSubnets = Object.entries(dev.resource.aws_subnet)
      .filter(([, s]) => (s.tags as Record<string, string>).Tier === "app")
      .map(([n]) => ref(`aws_subnet.${n}`, "id"));
    expect(api.network_configuration).toEqual({
      subnets: appSubnets,
      assign_public_ip: false,
      security_groups: [ref(addressWith(dev, "aws_security_group", "name", "acme-dev-api"), "id")],
    });
  });

  test("rolls back a failing deployment with the circuit breaker", () => {
    expect(api.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  test("takes its deployment percentages from the config", () => {
    const api = DEV_CONFIG.services.find((s) => s.name === "api")!;
    expect(serviceNamed(dev, "acme-dev-api")).toMatchObject({
      deployment_minimum_healthy_percent: api.deployment.minimumHealthyPercent,
      deployment_maximum_percent: api.deployment.maximumPercent,
    });
    const json = synthService({
      service: serviceConfig("web", {
        secrets: {},
        deployment: { minimumHealthyPercent: 50, maximumPercent: 150, rolloutTimeoutMinutes: 20, strategy: "rolling" },
      }),
    });
    expect(json).toHaveResourceWithProperties(EcsService, {
      deployment_minimum_healthy_percent: 50,
      deployment_maximum_percent: 150,
    });
  });

  test.each([
    ["dev", true],
    ["prod", false],
  ] as const)("in %s enable_execute_command follows cluster.execEnabled (%s)", (name, on) => {
    for (const svc of ["web", "api"])
      expect(serviceNamed(WORKSPACES[name], `acme-${name}-${svc}`).enable_execute_command).toBe(on);
  });

  test("leaves the running count to autoscaling and does not wait for steady state", () => {
    expect(api).toMatchObject({ lifecycle: { ignore_changes: ["desired_count"] }, wait_for_steady_state: false });
  });

  test("in dev mixes Fargate Spot into the Fargate capacity", () => {
    expect(api.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", weight: 1, base: 1 },
      { capacity_provider: "FARGATE_SPOT", weight: 1 },
    ]);
  });

  test("in prod runs on Fargate only", () => {
    expect(serviceNamed(prod, "acme-prod-api").capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", weight: 1, base: 1 },
    ]);
  });

  test("on EC2 capacity uses the EC2 capacity provider and an EC2-compatible task definition", () => {
    const json = synthService({
      service: serviceConfig("web", { secrets: {}, capacity: "ec2" }),
      ec2CapacityProviderName: "acme-test-ec2",
    });
    expect(json).toHaveResourceWithProperties(EcsService, {
      capacity_provider_strategy: [{ capacity_provider: "acme-test-ec2", weight: 1 }],
    });
    expect(json).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "acme-test-web",
      requires_compatibilities: ["EC2"],
    });
  });
});

describe("ContainerService load balancing", () => {
  const httpsListener = addressWith(dev, "aws_lb_listener", "port", 443);
  const targetGroup = (name: string) => addressWith(dev, "aws_lb_target_group", "name", name);
  const ruleFor = (name: string) =>
    resourcesOf(dev, "aws_lb_listener_rule").find(
      (r) => refTarget((r.action as { target_group_arn: string }[])[0].target_group_arn) === targetGroup(name),
    )!;

  test("names each target group after its service and port, and replaces it create-before-destroy", () => {
    // A port change then creates the new group first; AWS refuses to delete one a listener rule still uses.
    expect(configAt(dev, targetGroup("acme-dev-web-3000")).lifecycle).toEqual({ create_before_destroy: true });
    expect(configAt(dev, targetGroup("acme-dev-api-8080")).port).toBe(8080);
  });

  test("registers tasks by IP with the configured health check and deregistration delay", () => {
    expect(configAt(dev, targetGroup("acme-dev-api-8080"))).toMatchObject({
      target_type: "ip",
      port: 8080,
      protocol: "HTTP",
      deregistration_delay: "30",
      health_check: { enabled: true, path: "/api/health", matcher: "200-399" },
    });
  });

  test("the ECS service registers its container and port with its target group", () => {
    expect(serviceNamed(dev, "acme-dev-api").load_balancer).toEqual([
      { target_group_arn: ref(targetGroup("acme-dev-api-8080"), "arn"), container_name: "api", container_port: 8080 },
    ]);
  });

  test("api's listener rule on the HTTPS listener matches its host and /api/* at priority 10", () => {
    expect(ruleFor("acme-dev-api-8080")).toMatchObject({
      listener_arn: ref(httpsListener, "arn"),
      priority: 10,
      condition: [{ host_header: { values: ["app.dev.acme.example.com"] } }, { path_pattern: { values: ["/api/*"] } }],
      action: [{ type: "forward", target_group_arn: ref(targetGroup("acme-dev-api-8080"), "arn") }],
    });
  });

  test("web's listener rule on the HTTPS listener matches its host alone at priority 100", () => {
    expect(ruleFor("acme-dev-web-3000")).toMatchObject({
      listener_arn: ref(httpsListener, "arn"),
      priority: 100,
      condition: [{ host_header: { values: ["app.dev.acme.example.com"] } }],
    });
  });
});

describe("ContainerService autoscaling", () => {
  const cluster = addressWith(dev, "aws_ecs_cluster", "name", "acme-dev-cluster");
  const target = (parsed: Synthesized, service: string) =>
    addressWith(
      parsed,
      "aws_appautoscaling_target",
      "resource_id",
      `service/${ref(cluster, "name")}/${ref(addressWith(parsed, "aws_ecs_service", "name", service), "name")}`,
    );
  const policies = (service: string) =>
    resourcesOf(dev, "aws_appautoscaling_policy").filter((p) => refTarget(p.resource_id) === target(dev, service));

  test("scales the service's desired count within the configured range", () => {
    expect(configAt(dev, target(dev, "acme-dev-api"))).toMatchObject({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      min_capacity: 1,
      max_capacity: 3,
    });
  });

  test("tracks average CPU at the configured target", () => {
    const cpu = policies("acme-dev-api").filter(
      (p) =>
        (p.target_tracking_scaling_policy_configuration as Record<string, Record<string, string>>)
          .predefined_metric_specification.predefined_metric_type === "ECSServiceAverageCPUUtilization",
    );
    expect(cpu).toHaveLength(1);
    expect(cpu[0]).toMatchObject({
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: { target_value: 60 },
    });
  });

  test("tracks requests per target on the load balancer and the service's target group", () => {
    const requests = policies("acme-dev-api").filter(
      (p) =>
        (p.target_tracking_scaling_policy_configuration as Record<string, Record<string, string>>)
          .predefined_metric_specification.predefined_metric_type === "ALBRequestCountPerTarget",
    );
    expect(requests).toHaveLength(1);
    const lb = Object.keys(dev.resource.aws_lb).map((n) => `aws_lb.${n}`)[0];
    expect(requests[0].target_tracking_scaling_policy_configuration).toMatchObject({
      target_value: 1000,
      predefined_metric_specification: {
        resource_label: `${ref(lb, "arn_suffix")}/${ref(addressWith(dev, "aws_lb_target_group", "name", "acme-dev-api-8080"), "arn_suffix")}`,
      },
    });
  });

  test("each service has exactly the CPU and request policies", () => {
    expect(policies("acme-dev-web")).toHaveLength(2);
    expect(policies("acme-dev-api")).toHaveLength(2);
  });
});

describe("ContainerService migration task", () => {
  test("api gets a migration task definition running the migration command with the service's roles", () => {
    const container = containerOf(dev, "acme-dev-api-migrate");
    expect(container.command).toEqual(["npm", "run", "db:migrate"]);
    expect(container).not.toHaveProperty("portMappings");
    const td = configAt(dev, addressWith(dev, "aws_ecs_task_definition", "family", "acme-dev-api-migrate"));
    expect(refTarget(td.execution_role_arn)).toBe(roleOf(dev, "acme-dev-api", "execution"));
  });

  test("web, which has no migration, gets no migration task definition", () => {
    const families = resourcesOf(dev, "aws_ecs_task_definition").map((t) => t.family);
    expect(families).not.toContain("acme-dev-web-migrate");
    expect(families.filter((f) => String(f).endsWith("-migrate"))).toEqual(["acme-dev-api-migrate"]);
  });
});

describe("ContainerService props", () => {
  test('rejects capacity "ec2" without an EC2 capacity provider', () => {
    expect(() => synthService({ service: serviceConfig("web", { secrets: {}, capacity: "ec2" }) })).toThrow(
      /ContainerService web: capacity "ec2" needs ec2CapacityProviderName/,
    );
  });

  test("rejects execEnabled without an exec log group", () => {
    expect(() => synthService({ execEnabled: true })).toThrow(
      /ContainerService web: execEnabled needs execLogGroupArn/,
    );
  });
});
