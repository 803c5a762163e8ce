import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { ContainerService, ContainerServiceProps, EXEC_AGENT_VOLUMES } from "../../src/constructs/container-service";
import { execSessionStatements } from "../../src/constructs/task-iam";
import { ResolvedSecret } from "../../src/lib/secret-references";
import {
  ACCOUNT_ID,
  containerServiceProps,
  EXEC_LOG_GROUP_ARN,
  KMS_KEY_ARN,
  REGION,
  serviceSettings,
  SUBNET_IDS,
} from "../../test/construct-fixtures";
import { inlinePoliciesOf, PolicyStatement, roleStatements, statementsOf } from "../../test/iam";
import { refTarget, resourcesOf, Synthesized, synthConstruct } from "../../test/stacks";
import { addressWith, configAt, onlyAddress, ref, waitsFor } from "../../test/terraform";

const STRIPE_SECRET = "arn:aws:secretsmanager:us-east-1:222222222222:secret:acme/test/stripe-api-key-AbCdEf";
const MASTER_SECRET = "arn:aws:secretsmanager:us-east-1:222222222222:secret:rds!db-0123-AbCdEf";
const LOG_LEVEL_PARAMETER = "arn:aws:ssm:us-east-1:222222222222:parameter/acme/test/api/LOG_LEVEL";
const HOST_PARAMETER = "arn:aws:ssm:us-east-1:222222222222:parameter/acme/test/database/HOST";
const LISTENER_ARN = "arn:aws:elasticloadbalancing:us-east-1:222222222222:listener/app/acme-test-alb/0123/4567";
const LB_ARN_SUFFIX = "app/acme-test-alb/0123456789abcdef";
const SPOT_STRATEGY = [
  { capacityProvider: "FARGATE", weight: 1, base: 1 },
  { capacityProvider: "FARGATE_SPOT", weight: 1 },
];

/** What resolveSecretReferences gives a service reading a secret, both database fields and two parameters. */
const SECRETS: Record<string, ResolvedSecret> = {
  STRIPE_API_KEY: { kind: "secretsmanager", resourceArn: STRIPE_SECRET, valueFrom: STRIPE_SECRET },
  DATABASE_USER: { kind: "secretsmanager", resourceArn: MASTER_SECRET, valueFrom: `${MASTER_SECRET}:username::` },
  DATABASE_PASSWORD: { kind: "secretsmanager", resourceArn: MASTER_SECRET, valueFrom: `${MASTER_SECRET}:password::` },
  LOG_LEVEL: { kind: "ssm", resourceArn: LOG_LEVEL_PARAMETER, valueFrom: LOG_LEVEL_PARAMETER },
  DATABASE_HOST: { kind: "ssm", resourceArn: HOST_PARAMETER, valueFrom: HOST_PARAMETER },
};

/** Everything on: references, environment, a command and container health check, the load balancer, ECS Exec, a migration. */
function fullProps(): Partial<ContainerServiceProps> {
  return {
    service: serviceSettings({
      environment: { NODE_ENV: "production", API_BASE_PATH: "/api" },
      command: ["node", "server.js"],
      containerHealthCheck: {
        command: ["CMD-SHELL", "curl -f localhost:8080/health"],
        intervalSeconds: 15,
        timeoutSeconds: 4,
        retries: 2,
        startPeriodSeconds: 20,
      },
      hosts: ["app.test.acme.example.com"],
      paths: ["/api/*"],
      priority: 10,
      healthCheck: { path: "/api/health", gracePeriodSeconds: 45, intervalSeconds: 20, matcher: "200-299" },
      deregistrationDelaySeconds: 15,
      deployment: { minimumHealthyPercent: 50, maximumPercent: 150, rolloutTimeoutMinutes: 30, strategy: "rolling" },
      logRetentionDays: 90,
      migrationCommand: ["npm", "run", "db:migrate"],
    }),
    secrets: SECRETS,
    fargateStrategy: SPOT_STRATEGY,
    loadBalancer: { listenerArn: LISTENER_ARN, arnSuffix: LB_ARN_SUFFIX },
    execEnabled: true,
    execLogGroupArn: EXEC_LOG_GROUP_ARN,
  };
}

function synthService(overrides: Partial<ContainerServiceProps> = {}): { json: string; parsed: Synthesized } {
  return synthConstruct((scope) => new ContainerService(scope, "Service", containerServiceProps(overrides)));
}

/** No references, load balancer, exec or migration. */
const base = synthService();
/** fullProps(), and told to wait for the cluster's capacity providers. */
const full = synthConstruct((scope) => {
  const capacityProviders = new EcsClusterCapacityProviders(scope, "CapacityProviders", {
    clusterName: "acme-test-cluster",
    capacityProviders: ["FARGATE", "FARGATE_SPOT"],
  });
  new ContainerService(scope, "Service", containerServiceProps({ ...fullProps(), dependsOn: [capacityProviders] }));
});

const role = (parsed: Synthesized, kind: "execution" | "task") =>
  addressWith(parsed, "aws_iam_role", "name", `acme-test-api-${kind}`);
const statementsOfRole = (parsed: Synthesized, kind: "execution" | "task"): PolicyStatement[] =>
  roleStatements(parsed, role(parsed, kind));
const taskDefinitionOf = (parsed: Synthesized, family = "acme-test-api") =>
  configAt(parsed, addressWith(parsed, "aws_ecs_task_definition", "family", family));
/** The one container of a task definition family. */
function containerOf(parsed: Synthesized, family = "acme-test-api"): Record<string, unknown> {
  const containers = JSON.parse(String(taskDefinitionOf(parsed, family).container_definitions)) as Record<
    string,
    unknown
  >[];
  expect(containers).toHaveLength(1);
  return containers[0];
}
const serviceOf = (parsed: Synthesized) => configAt(parsed, onlyAddress(parsed, "aws_ecs_service"));
const logGroupOf = (parsed: Synthesized) =>
  addressWith(parsed, "aws_cloudwatch_log_group", "name", "/ecs/acme-test/api");

describe("ContainerService execution role", () => {
  const statements = statementsOfRole(full.parsed, "execution");
  const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));

  test("reads exactly the referenced Secrets Manager secrets, each once", () => {
    expect(bySid.ReadReferencedSecrets).toEqual({
      sid: "ReadReferencedSecrets",
      effect: "Allow",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [STRIPE_SECRET, MASTER_SECRET],
    });
  });

  test("reads exactly the referenced SSM parameters", () => {
    expect(bySid.ReadReferencedParameters).toEqual({
      sid: "ReadReferencedParameters",
      effect: "Allow",
      actions: ["ssm:GetParameters"],
      resources: [LOG_LEVEL_PARAMETER, HOST_PARAMETER],
    });
  });

  test("may decrypt with the key only through Secrets Manager and SSM", () => {
    expect(statements.filter((s) => (s.actions ?? []).some((a) => a.startsWith("kms:")))).toEqual([
      {
        sid: "DecryptThroughSecretsAndParameters",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: [KMS_KEY_ARN],
        condition: [
          {
            test: "StringEquals",
            variable: "kms:ViaService",
            values: ["secretsmanager.us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"],
          },
        ],
      },
    ]);
  });

  test("pulls only its own repository and writes only its own log group", () => {
    expect(bySid.PullOwnImage.resources).toEqual(["arn:aws:ecr:us-east-1:222222222222:repository/acme/test/api"]);
    expect(bySid.WriteOwnLogs).toMatchObject({
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`${ref(logGroupOf(full.parsed), "arn")}:*`],
    });
  });

  test("grants nothing beyond the image, the logs and the references", () => {
    expect(statements.map((s) => s.sid)).toEqual([
      "EcrAuth",
      "PullOwnImage",
      "WriteOwnLogs",
      "ReadReferencedSecrets",
      "ReadReferencedParameters",
      "DecryptThroughSecretsAndParameters",
    ]);
  });

  test("without references, may read no secret or parameter and decrypt nothing", () => {
    expect(statementsOfRole(base.parsed, "execution").map((s) => s.sid)).toEqual([
      "EcrAuth",
      "PullOwnImage",
      "WriteOwnLogs",
    ]);
  });

  test("is assumable only by ECS tasks of the account", () => {
    const trust = statementsOf(full.parsed, configAt(full.parsed, role(full.parsed, "execution")).assume_role_policy);
    expect(trust).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT_ID] }],
      }),
    ]);
  });
});

describe("ContainerService task role", () => {
  test("is a separate role from the execution role", () => {
    const td = taskDefinitionOf(full.parsed);
    expect(refTarget(td.task_role_arn)).toBe(role(full.parsed, "task"));
    expect(refTarget(td.execution_role_arn)).toBe(role(full.parsed, "execution"));
    expect(role(full.parsed, "task")).not.toBe(role(full.parsed, "execution"));
  });

  test("has no permissions without a taskPolicy or exec", () => {
    const task = role(base.parsed, "task");
    expect(inlinePoliciesOf(base.parsed, task)).toEqual([]);
    expect(resourcesOf(base.parsed, "aws_iam_role_policy_attachment")).toEqual([]);
  });

  test("holds exactly the statements of taskPolicy", () => {
    const { parsed } = synthService({
      service: serviceSettings({ taskPolicy: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::uploads/*"] }] }),
    });
    expect(statementsOfRole(parsed, "task")).toEqual([
      { sid: "App0", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::uploads/*"] },
    ]);
  });

  test("with exec, holds exactly the exec session statements for the key and the exec log group", () => {
    expect(statementsOfRole(full.parsed, "task")).toEqual(execSessionStatements(KMS_KEY_ARN, EXEC_LOG_GROUP_ARN));
  });
});

describe("ContainerService container definition", () => {
  const container = containerOf(full.parsed);
  const plain = containerOf(base.parsed);

  test("injects secrets and parameters as valueFrom references sorted by name, never values", () => {
    expect(container.secrets).toEqual([
      { name: "DATABASE_HOST", valueFrom: HOST_PARAMETER },
      { name: "DATABASE_PASSWORD", valueFrom: `${MASTER_SECRET}:password::` },
      { name: "DATABASE_USER", valueFrom: `${MASTER_SECRET}:username::` },
      { name: "LOG_LEVEL", valueFrom: LOG_LEVEL_PARAMETER },
      { name: "STRIPE_API_KEY", valueFrom: STRIPE_SECRET },
    ]);
  });

  test("passes plain environment variables as environment, sorted by name", () => {
    expect(container.environment).toEqual([
      { name: "API_BASE_PATH", value: "/api" },
      { name: "NODE_ENV", value: "production" },
    ]);
  });

  test("has no environment or secrets entries when there are none", () => {
    expect(plain).not.toHaveProperty("environment");
    expect(plain).not.toHaveProperty("secrets");
  });

  test("runs the image the IMAGE parameter holds, read at plan time (what a release writes)", () => {
    const [imageData] = Object.entries(full.parsed.data!.aws_ssm_parameter).filter(
      ([, d]) => d.name === "/acme/test/api/IMAGE",
    );
    expect(imageData).toBeDefined();
    expect(container.image).toBe(`\${data.aws_ssm_parameter.${imageData[0]}.insecure_value}`);
  });

  test("its task definitions track the latest revision of their family, which releases register", () => {
    for (const td of Object.values(full.parsed.resource.aws_ecs_task_definition)) {
      expect(td.track_latest).toBe(true);
    }
  });

  test("logs with awslogs to the service's own log group", () => {
    expect(container.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: {
        "awslogs-group": ref(logGroupOf(full.parsed), "name"),
        "awslogs-region": REGION,
        "awslogs-stream-prefix": "api",
      },
    });
  });

  test("the service log group is encrypted with the key and keeps records logRetentionDays", () => {
    expect(configAt(full.parsed, logGroupOf(full.parsed))).toMatchObject({
      kms_key_id: KMS_KEY_ARN,
      retention_in_days: 90,
    });
  });

  test("has a read-only root filesystem with a writable /tmp volume", () => {
    expect(plain.readonlyRootFilesystem).toBe(true);
    expect(plain.mountPoints).toEqual([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
    expect(taskDefinitionOf(base.parsed).volume).toEqual([{ name: "tmp" }]);
  });

  test("with exec on, also gives the SSM agent writable state and log directories", () => {
    // Without them `aws ecs execute-command` fails against a read-only root filesystem.
    expect(container.mountPoints).toEqual([
      { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
      { sourceVolume: "ssm-agent-state", containerPath: "/var/lib/amazon/ssm", readOnly: false },
      { sourceVolume: "ssm-agent-logs", containerPath: "/var/log/amazon/ssm", readOnly: false },
    ]);
    expect(taskDefinitionOf(full.parsed).volume).toEqual([
      { name: "tmp" },
      ...EXEC_AGENT_VOLUMES.map(([name]) => ({ name })),
    ]);
  });

  test("with a writable root filesystem, mounts no volume", () => {
    const { parsed } = synthService({ service: serviceSettings({ readonlyRootFilesystem: false }) });
    expect(containerOf(parsed).readonlyRootFilesystem).toBe(false);
    expect(containerOf(parsed)).not.toHaveProperty("mountPoints");
    expect(taskDefinitionOf(parsed)).not.toHaveProperty("volume");
  });

  test("enables the init process when exec is on", () => {
    expect(container.linuxParameters).toEqual({ initProcessEnabled: true });
  });

  test("has no init process when exec is off", () => {
    expect(plain).not.toHaveProperty("linuxParameters");
  });

  test("exposes only the service port", () => {
    expect(container.portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
  });

  test("overrides the image's command only when given one", () => {
    expect(container.command).toEqual(["node", "server.js"]);
    expect(plain).not.toHaveProperty("command");
  });

  test("runs the container health check when given one", () => {
    expect(container.healthCheck).toEqual({
      command: ["CMD-SHELL", "curl -f localhost:8080/health"],
      interval: 15,
      timeout: 4,
      retries: 2,
      startPeriod: 20,
    });
    expect(plain).not.toHaveProperty("healthCheck");
  });

  test("is a Fargate task of the service's size", () => {
    expect(base.json).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "acme-test-api",
      cpu: "512",
      memory: "1024",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
    });
  });
});

describe("ContainerService ECS service", () => {
  const service = serviceOf(full.parsed);

  test("runs in the given subnets without public IPs, behind its own security group", () => {
    expect(service.network_configuration).toEqual({
      subnets: SUBNET_IDS,
      assign_public_ip: false,
      security_groups: [ref(addressWith(full.parsed, "aws_security_group", "name", "acme-test-api"), "id")],
    });
  });

  test("its security group accepts nothing until a link opens it, and sends HTTPS", () => {
    const group = addressWith(full.parsed, "aws_security_group", "name", "acme-test-api");
    expect(resourcesOf(full.parsed, "aws_vpc_security_group_ingress_rule")).toEqual([]);
    expect(
      resourcesOf(full.parsed, "aws_vpc_security_group_egress_rule").map((r) => [
        refTarget(r.security_group_id),
        r.cidr_ipv4,
        r.from_port,
      ]),
    ).toEqual([[group, "0.0.0.0/0", 443]]);
  });

  test("runs in the given cluster", () => {
    expect(service.cluster).toBe("arn:aws:ecs:us-east-1:222222222222:cluster/acme-test-cluster");
  });

  test("rolls back a failing deployment with the circuit breaker", () => {
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  test("takes its deployment percentages from the service settings", () => {
    expect(full.json).toHaveResourceWithProperties(EcsService, {
      deployment_minimum_healthy_percent: 50,
      deployment_maximum_percent: 150,
    });
  });

  test.each([
    [true, full],
    [false, base],
  ])("enable_execute_command follows execEnabled (%s)", (on, synthesized) => {
    expect(serviceOf(synthesized.parsed).enable_execute_command).toBe(on);
  });

  test("leaves the running count to autoscaling", () => {
    expect(service).toMatchObject({ lifecycle: { ignore_changes: ["desired_count"] } });
  });

  test("an apply waits for the rollout, bounded by rolloutTimeoutMinutes", () => {
    expect(service).toMatchObject({ wait_for_steady_state: true, timeouts: { create: "30m", update: "30m" } });
  });

  test("an apply fails when the circuit breaker rolled the service back to its previous task definition", () => {
    const [postcondition] = (service.lifecycle as { postcondition: { condition: string; error_message: string }[] })
      .postcondition;
    const taskDefinition = addressWith(full.parsed, "aws_ecs_task_definition", "family", "acme-test-api");
    expect(postcondition.condition).toBe(`\${(self.task_definition == ${taskDefinition}.arn)}`);
    expect(postcondition.error_message).toMatch(/did not complete: ECS rolled the service back/);
  });

  test("rolls out a changed capacity strategy as a deployment, not a replacement", () => {
    expect(service.force_new_deployment).toBe(true);
  });

  test("on Fargate uses the cluster's Fargate strategy as given", () => {
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", weight: 1, base: 1 },
      { capacity_provider: "FARGATE_SPOT", weight: 1 },
    ]);
  });

  test("is created only after what it is told to wait for, such as the cluster's capacity providers", () => {
    // ECS refuses a capacity provider strategy naming a provider that is not yet associated with the cluster.
    expect(
      waitsFor(
        full.parsed,
        onlyAddress(full.parsed, "aws_ecs_service"),
        onlyAddress(full.parsed, "aws_ecs_cluster_capacity_providers"),
      ),
    ).toBe(true);
  });

  test("on EC2 capacity uses the EC2 capacity provider and an EC2-compatible task definition", () => {
    const { json } = synthService({
      service: serviceSettings({ capacity: "ec2" }),
      ec2CapacityProviderName: "acme-test-ec2",
    });
    expect(json).toHaveResourceWithProperties(EcsService, {
      capacity_provider_strategy: [{ capacity_provider: "acme-test-ec2", weight: 1 }],
    });
    expect(json).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "acme-test-api",
      requires_compatibilities: ["EC2"],
    });
  });
});

describe("ContainerService load balancing", () => {
  const targetGroup = addressWith(full.parsed, "aws_lb_target_group", "name", "acme-test-api-8080");
  const listenerRule = onlyAddress(full.parsed, "aws_lb_listener_rule");

  test("names the target group after its service and port, and replaces it create-before-destroy", () => {
    // A port change then creates the new group first; AWS refuses to delete one a listener rule still uses.
    expect(configAt(full.parsed, targetGroup).lifecycle).toEqual({ create_before_destroy: true });
  });

  test("registers tasks by IP with the configured health check and deregistration delay", () => {
    expect(configAt(full.parsed, targetGroup)).toMatchObject({
      target_type: "ip",
      port: 8080,
      protocol: "HTTP",
      deregistration_delay: "15",
      health_check: { enabled: true, path: "/api/health", matcher: "200-299", interval: 20 },
    });
  });

  test("the ECS service registers its container and port with its target group, after the health check grace period", () => {
    expect(serviceOf(full.parsed)).toMatchObject({
      load_balancer: [{ target_group_arn: ref(targetGroup, "arn"), container_name: "api", container_port: 8080 }],
      health_check_grace_period_seconds: 45,
    });
  });

  test("its listener rule on the given listener matches the hosts and paths at the service's priority", () => {
    expect(configAt(full.parsed, listenerRule)).toMatchObject({
      listener_arn: LISTENER_ARN,
      priority: 10,
      condition: [{ host_header: { values: ["app.test.acme.example.com"] } }, { path_pattern: { values: ["/api/*"] } }],
      action: [{ type: "forward", target_group_arn: ref(targetGroup, "arn") }],
    });
  });

  test("a service without paths is matched on its host alone", () => {
    const { parsed } = synthService({
      service: serviceSettings({ hosts: ["app.test.acme.example.com"], paths: [], priority: 100 }),
      loadBalancer: { listenerArn: LISTENER_ARN, arnSuffix: LB_ARN_SUFFIX },
    });
    expect(configAt(parsed, onlyAddress(parsed, "aws_lb_listener_rule"))).toMatchObject({
      priority: 100,
      condition: [{ host_header: { values: ["app.test.acme.example.com"] } }],
    });
  });

  test("the ECS service is created only after its listener rule, so its target group is attached", () => {
    expect(waitsFor(full.parsed, onlyAddress(full.parsed, "aws_ecs_service"), listenerRule)).toBe(true);
  });

  test("without a load balancer there is no target group or listener rule", () => {
    expect(resourcesOf(base.parsed, "aws_lb_target_group")).toEqual([]);
    expect(resourcesOf(base.parsed, "aws_lb_listener_rule")).toEqual([]);
    expect(serviceOf(base.parsed)).not.toHaveProperty("load_balancer");
  });
});

describe("ContainerService autoscaling", () => {
  const target = onlyAddress(full.parsed, "aws_appautoscaling_target");
  const policies = (parsed: Synthesized) => resourcesOf(parsed, "aws_appautoscaling_policy");
  const metricOf = (p: Record<string, unknown>) =>
    (p.target_tracking_scaling_policy_configuration as Record<string, Record<string, string>>)
      .predefined_metric_specification.predefined_metric_type;

  test("scales the service's desired count within the configured range", () => {
    expect(configAt(full.parsed, target)).toEqual({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      resource_id: `service/acme-test-cluster/${ref(onlyAddress(full.parsed, "aws_ecs_service"), "name")}`,
      min_capacity: 1,
      max_capacity: 3,
    });
  });

  test("tracks average CPU at the configured target", () => {
    const cpu = policies(full.parsed).filter((p) => metricOf(p) === "ECSServiceAverageCPUUtilization");
    expect(cpu).toHaveLength(1);
    expect(cpu[0]).toMatchObject({
      policy_type: "TargetTrackingScaling",
      resource_id: ref(target, "resource_id"),
      target_tracking_scaling_policy_configuration: {
        target_value: 60,
        scale_in_cooldown: 300,
        scale_out_cooldown: 60,
      },
    });
  });

  test("tracks requests per target on the load balancer and the service's target group", () => {
    const requests = policies(full.parsed).filter((p) => metricOf(p) === "ALBRequestCountPerTarget");
    expect(requests).toHaveLength(1);
    const targetGroup = addressWith(full.parsed, "aws_lb_target_group", "name", "acme-test-api-8080");
    expect(requests[0].target_tracking_scaling_policy_configuration).toMatchObject({
      target_value: 1000,
      predefined_metric_specification: { resource_label: `${LB_ARN_SUFFIX}/${ref(targetGroup, "arn_suffix")}` },
    });
  });

  test("behind a load balancer has exactly the CPU and request policies", () => {
    expect(policies(full.parsed).map(metricOf).sort()).toEqual([
      "ALBRequestCountPerTarget",
      "ECSServiceAverageCPUUtilization",
    ]);
  });

  test("without a load balancer scales on CPU only", () => {
    expect(policies(base.parsed).map(metricOf)).toEqual(["ECSServiceAverageCPUUtilization"]);
  });
});

describe("ContainerService migration task", () => {
  test("runs the migration command on the service's image, without ports, with the service's roles", () => {
    const migration = containerOf(full.parsed, "acme-test-api-migrate");
    expect(migration.command).toEqual(["npm", "run", "db:migrate"]);
    expect(migration.image).toBe(containerOf(full.parsed).image);
    expect(migration).not.toHaveProperty("portMappings");
    const td = taskDefinitionOf(full.parsed, "acme-test-api-migrate");
    expect(refTarget(td.execution_role_arn)).toBe(role(full.parsed, "execution"));
    expect(refTarget(td.task_role_arn)).toBe(role(full.parsed, "task"));
  });

  test("reads the same references and logs under its own stream prefix", () => {
    const migration = containerOf(full.parsed, "acme-test-api-migrate");
    expect(migration.secrets).toEqual(containerOf(full.parsed).secrets);
    expect(migration.logConfiguration).toMatchObject({ options: { "awslogs-stream-prefix": "migrate" } });
  });

  test("is not created without a migration command", () => {
    expect(resourcesOf(base.parsed, "aws_ecs_task_definition").map((t) => t.family)).toEqual(["acme-test-api"]);
  });

  test("every task definition waits for its execution role's policy", () => {
    // A task started before the policy is attached could not pull its image or read its secrets.
    const policy = inlinePoliciesOf(full.parsed, role(full.parsed, "execution"));
    expect(policy).toHaveLength(1);
    const policyAddress = addressWith(
      full.parsed,
      "aws_iam_role_policy",
      "role",
      ref(role(full.parsed, "execution"), "id"),
    );
    for (const family of ["acme-test-api", "acme-test-api-migrate"]) {
      const td = addressWith(full.parsed, "aws_ecs_task_definition", "family", family);
      expect({ family, waits: waitsFor(full.parsed, td, policyAddress) }).toEqual({ family, waits: true });
    }
  });
});

describe("ContainerService props", () => {
  test('rejects capacity "ec2" without an EC2 capacity provider', () => {
    expect(() => synthService({ service: serviceSettings({ capacity: "ec2" }) })).toThrow(
      /ContainerService api: capacity "ec2" needs ec2CapacityProviderName/,
    );
  });

  test("rejects execEnabled without an exec log group", () => {
    expect(() => synthService({ execEnabled: true })).toThrow(
      /ContainerService api: execEnabled needs execLogGroupArn/,
    );
  });
});

describe("ContainerService blue-green", () => {
  const TEST_LISTENER_ARN = "arn:aws:elasticloadbalancing:us-east-1:222222222222:listener/app/acme-test-alb/0123/8443";
  const blueGreenProps = (): Partial<ContainerServiceProps> => ({
    service: serviceSettings({
      hosts: ["api.test.acme.example.com"],
      priority: 10,
      desiredCount: 2,
      autoscaling: { min: 2, max: 4, cpuTargetPercent: 60, requestsPerTarget: 1000 },
      deployment: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        rolloutTimeoutMinutes: 20,
        strategy: "blue-green",
      },
    }),
    loadBalancer: { listenerArn: LISTENER_ARN, arnSuffix: LB_ARN_SUFFIX },
    testListenerArn: TEST_LISTENER_ARN,
  });
  const { parsed } = synthConstruct(
    (scope) => new ContainerService(scope, "Service", containerServiceProps(blueGreenProps())),
  );
  const service = (name: string) => configAt(parsed, addressWith(parsed, "aws_ecs_service", "name", name));
  const group = (name: string) => addressWith(parsed, "aws_lb_target_group", "name", name);
  const rules = Object.values(parsed.resource.aws_lb_listener_rule);
  const production = rules.find((r) => r.listener_arn === LISTENER_ARN)!;
  const testRule = rules.find((r) => r.listener_arn === TEST_LISTENER_ARN)!;

  test("runs two ECS services, blue and green, on the one task definition family", () => {
    const taskDefinition = onlyAddress(parsed, "aws_ecs_task_definition");
    expect(service("acme-test-api-blue").task_definition).toBe(ref(taskDefinition, "arn"));
    expect(service("acme-test-api-green").task_definition).toBe(ref(taskDefinition, "arn"));
    expect(resourcesOf(parsed, "aws_ecs_service")).toHaveLength(2);
  });

  test("blue starts live with the desired count, green on standby with none", () => {
    expect(service("acme-test-api-blue").desired_count).toBe(2);
    expect(service("acme-test-api-green").desired_count).toBe(0);
  });

  test("each colour has its own target group", () => {
    expect(service("acme-test-api-blue").load_balancer).toEqual([
      { target_group_arn: ref(group("acme-test-api-b-8080"), "arn"), container_name: "api", container_port: 8080 },
    ]);
    expect(service("acme-test-api-green").load_balancer).toEqual([
      { target_group_arn: ref(group("acme-test-api-g-8080"), "arn"), container_name: "api", container_port: 8080 },
    ]);
  });

  test("production traffic is weighted, all on blue at creation, and Terraform never moves it", () => {
    expect(production.action).toEqual([
      {
        type: "forward",
        forward: {
          target_group: [
            { arn: ref(group("acme-test-api-b-8080"), "arn"), weight: 100 },
            { arn: ref(group("acme-test-api-g-8080"), "arn"), weight: 0 },
          ],
        },
      },
    ]);
    expect(production.lifecycle).toEqual({ ignore_changes: ["action"] });
  });

  test("the test listener reaches the standby colour with the same host and path conditions", () => {
    expect(testRule.action).toEqual([{ type: "forward", target_group_arn: ref(group("acme-test-api-g-8080"), "arn") }]);
    expect(testRule.condition).toEqual(production.condition);
    expect(testRule.priority).toBe(10);
    expect(testRule.lifecycle).toEqual({ ignore_changes: ["action"] });
  });

  test("releases own each colour's task definition and count: Terraform ignores them, with no rollback postcondition", () => {
    for (const name of ["acme-test-api-blue", "acme-test-api-green"]) {
      expect(service(name).lifecycle).toEqual({ ignore_changes: ["desired_count", "task_definition"] });
    }
  });

  test("each colour scales on its own; green starts at zero, and releases own the ranges", () => {
    const targets = Object.values(parsed.resource.aws_appautoscaling_target);
    expect(targets.map((t) => [String(t.resource_id).split("/").pop(), t.min_capacity, t.max_capacity])).toEqual([
      [expect.stringContaining("Service-blue"), 2, 4],
      [expect.stringContaining("Service-green"), 0, 0],
    ]);
    for (const t of targets) expect(t.lifecycle).toEqual({ ignore_changes: ["min_capacity", "max_capacity"] });
  });

  test("needs the load balancer and its test listener", () => {
    expect(() =>
      synthConstruct(
        (scope) =>
          new ContainerService(
            scope,
            "Service",
            containerServiceProps({ ...blueGreenProps(), testListenerArn: undefined }),
          ),
      ),
    ).toThrow(/the blue-green strategy needs the load balancer and its test listener/);
  });
});

describe("ContainerService deployment alarms", () => {
  test("a service behind the load balancer rolls back when its 5xx or unhealthy hosts alarm fires", () => {
    const { parsed } = synthService({ ...fullProps(), deploymentAlarms: true });
    expect(serviceOf(parsed).alarms).toEqual({
      alarm_names: ["acme-test-api-5xx", "acme-test-api-unhealthy-hosts"],
      enable: true,
      rollback: true,
    });
  });

  test("each colour of a blue/green service watches its own alarms", () => {
    const { parsed } = synthService({
      service: serviceSettings({
        hosts: ["api.test.acme.example.com"],
        deployment: {
          minimumHealthyPercent: 100,
          maximumPercent: 200,
          rolloutTimeoutMinutes: 20,
          strategy: "blue-green",
        },
      }),
      loadBalancer: { listenerArn: LISTENER_ARN, arnSuffix: LB_ARN_SUFFIX },
      testListenerArn: "arn:aws:elasticloadbalancing:us-east-1:222222222222:listener/app/acme-test-alb/0123/8443",
      deploymentAlarms: true,
    });
    const alarmsOf = (name: string) => configAt(parsed, addressWith(parsed, "aws_ecs_service", "name", name)).alarms;
    expect(alarmsOf("acme-test-api-blue")).toMatchObject({
      alarm_names: ["acme-test-api-blue-5xx", "acme-test-api-blue-unhealthy-hosts"],
      rollback: true,
    });
    expect(alarmsOf("acme-test-api-green")).toMatchObject({
      alarm_names: ["acme-test-api-green-5xx", "acme-test-api-green-unhealthy-hosts"],
      rollback: true,
    });
  });

  test("a worker has none (no target group to watch), and neither has a service told not to", () => {
    expect(serviceOf(synthService({ deploymentAlarms: true }).parsed).alarms).toBeUndefined();
    expect(serviceOf(synthService({ ...fullProps(), deploymentAlarms: false }).parsed).alarms).toBeUndefined();
  });
});
