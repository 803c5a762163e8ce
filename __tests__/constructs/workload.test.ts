import { TerraformStack, Testing } from "cdktf";
import { Workload } from "../../src/constructs/workload";
import { SubnetTier } from "../../src/lib/subnet-layout";
import { workloadProps, workloadServices, WorkloadSettings } from "../../test/construct-fixtures";
import { PolicyStatement, resourcesForService, roleStatements, statementsOf } from "../../test/iam";
import { flows, rulesOf, securityGroupNamed } from "../../test/security-groups";
import { refTarget, resourcesOf, Synthesized, synthConstruct } from "../../test/stacks";
import { addressesWhere, addressWith, configAt, onlyAddress, ref, waitsFor } from "../../test/terraform";

/** Synthesizes a Workload on the fixture props (Network and DataKey included), with `change` applied to them. */
function synthWorkload(change: (props: WorkloadSettings) => Partial<WorkloadSettings> = () => ({})) {
  let workload!: Workload;
  const synthesized = synthConstruct((scope) => {
    const props = workloadProps(scope);
    workload = new Workload(scope, "Workload", { ...props, ...change(props) });
  });
  return { ...synthesized, workload };
}

const { parsed, workload } = synthWorkload();

const group = (name: string) => securityGroupNamed(parsed, `acme-test-${name}`);
const dataKeyArn = ref(onlyAddress(parsed, "aws_kms_key"), "arn");
const secretArn = (name: string) => ref(addressWith(parsed, "aws_secretsmanager_secret", "name", name), "arn");
const parameterArn = (name: string) => ref(addressWith(parsed, "aws_ssm_parameter", "name", name), "arn");
const masterSecretArn = `\${${onlyAddress(parsed, "aws_db_instance")}.master_user_secret[0].secret_arn}`;
const executionStatements = (s: Synthesized, service: string): PolicyStatement[] =>
  roleStatements(s, addressWith(s, "aws_iam_role", "name", `acme-test-${service}-execution`));
const containerOf = (s: Synthesized, family: string) =>
  (
    JSON.parse(
      String(configAt(s, addressWith(s, "aws_ecs_task_definition", "family", family)).container_definitions),
    ) as Record<string, unknown>[]
  )[0];
/** References to the ids of the network's subnets of a tier. */
const subnetIds = (s: Synthesized, tier: SubnetTier) =>
  addressesWhere(s, "aws_subnet", (subnet) => (subnet.tags as Record<string, string>).Tier === tier).map((a) =>
    ref(a, "id"),
  );

describe("Workload security groups chain load balancer -> services -> database", () => {
  test("the load balancer may open only the public services, each on its port", () => {
    expect(flows(rulesOf(parsed, group("alb"), "egress"))).toEqual(
      flows([
        { protocol: "tcp", fromPort: 3000, toPort: 3000, cidrs: [], groups: [group("web")] },
        { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrs: [], groups: [group("api")] },
      ]),
    );
  });

  test.each([
    ["web", 3000],
    ["api", 8080],
  ] as const)("public %s accepts only the load balancer, only on port %i", (name, port) => {
    expect(flows(rulesOf(parsed, group(name), "ingress"))).toEqual([[group("alb"), port, port]]);
  });

  test("a service that is not public accepts no traffic at all", () => {
    expect(rulesOf(parsed, group("worker"), "ingress")).toEqual([]);
  });

  test("the database accepts its port only from the services whose references reach it and the maintenance task", () => {
    expect(flows(rulesOf(parsed, group("db"), "ingress"))).toEqual(
      flows([
        {
          protocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          cidrs: [],
          groups: [group("api"), group("worker"), group("maintenance")],
        },
      ]),
    );
  });

  test("no database ingress rule admits a CIDR", () => {
    const rules = rulesOf(parsed, group("db"), "ingress");
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.flatMap((r) => r.cidrs)).toEqual([]);
  });

  test.each([
    ["api", "reads the database credentials"],
    ["worker", "reads the database endpoint parameters"],
  ])("%s, which %s, may open the database port", (name) => {
    expect(flows(rulesOf(parsed, group(name), "egress").filter((r) => r.groups.length > 0))).toEqual([
      [group("db"), 5432, 5432],
    ]);
  });

  test("web, whose references do not reach the database, cannot open it", () => {
    expect(rulesOf(parsed, group("web"), "egress").filter((r) => r.groups.length > 0)).toEqual([]);
  });

  test("the maintenance task may open the database port", () => {
    expect(flows(rulesOf(parsed, group("maintenance"), "egress").filter((r) => r.groups.length > 0))).toEqual([
      [group("db"), 5432, 5432],
    ]);
  });
});

describe("Workload services sharing a port", () => {
  const { parsed: shared } = synthWorkload((props) => ({
    services: props.services.map((svc) => ({ ...svc, port: 8080 })),
  }));
  const sharedGroup = (name: string) => securityGroupNamed(shared, `acme-test-${name}`);

  test("each public service keeps its own target group, named after the service", () => {
    expect(
      resourcesOf(shared, "aws_lb_target_group")
        .map((t) => [t.name, t.port])
        .sort(),
    ).toEqual([
      ["acme-test-api-8080", 8080],
      ["acme-test-web-8080", 8080],
    ]);
    expect(resourcesOf(shared, "aws_lb_listener_rule")).toHaveLength(2);
  });

  test("the load balancer opens the shared port to each public service's group only", () => {
    expect(flows(rulesOf(shared, sharedGroup("alb"), "egress"))).toEqual(
      flows([
        { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrs: [], groups: [sharedGroup("web")] },
        { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrs: [], groups: [sharedGroup("api")] },
      ]),
    );
    expect(rulesOf(shared, sharedGroup("worker"), "ingress")).toEqual([]);
  });

  test("no two security group rules are the same rule", () => {
    const rules: Record<string, unknown>[] = [
      ...resourcesOf(shared, "aws_vpc_security_group_ingress_rule").map((r) => ({ ...r, direction: "in" })),
      ...resourcesOf(shared, "aws_vpc_security_group_egress_rule").map((r) => ({ ...r, direction: "out" })),
    ];
    const keys = rules.map((r) =>
      [
        r.direction,
        r.security_group_id,
        r.ip_protocol,
        r.from_port,
        r.to_port,
        r.cidr_ipv4,
        r.referenced_security_group_id,
        r.prefix_list_id,
      ].join(" "),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("Workload without a database", () => {
  const { parsed: noDatabase } = synthWorkload(() => ({
    database: undefined,
    services: workloadServices().filter((s) => s.name === "web"),
  }));

  test("creates no database", () => {
    expect(resourcesOf(noDatabase, "aws_db_instance")).toEqual([]);
  });

  test("links no service or maintenance task to another group beyond the load balancer", () => {
    const linked = resourcesOf(noDatabase, "aws_vpc_security_group_egress_rule").filter(
      (r) => r.referenced_security_group_id !== undefined,
    );
    expect(linked.map((r) => refTarget(r.security_group_id))).toEqual([
      securityGroupNamed(noDatabase, "acme-test-alb"),
    ]);
  });
});

describe("Workload execution roles read exactly what their services reference", () => {
  test("web may read the web-session-key secret and no parameter", () => {
    const statements = executionStatements(parsed, "web");
    expect(resourcesForService(statements, "secretsmanager")).toEqual([secretArn("acme/test/web-session-key")]);
    expect(resourcesForService(statements, "ssm")).toEqual([]);
  });

  test("api may read the stripe secret and the RDS master secret, and its own LOG_LEVEL parameter", () => {
    const statements = executionStatements(parsed, "api");
    expect(resourcesForService(statements, "secretsmanager").sort()).toEqual(
      [secretArn("acme/test/stripe-api-key"), masterSecretArn].sort(),
    );
    expect(resourcesForService(statements, "ssm")).toEqual([parameterArn("/acme/test/api/LOG_LEVEL")]);
  });

  test("worker may read the database HOST and PORT parameters and no secret", () => {
    const statements = executionStatements(parsed, "worker");
    expect(resourcesForService(statements, "ssm").sort()).toEqual(
      [parameterArn("/acme/test/database/HOST"), parameterArn("/acme/test/database/PORT")].sort(),
    );
    expect(resourcesForService(statements, "secretsmanager")).toEqual([]);
  });

  test("no execution role has a wildcard resource on a Secrets Manager or SSM action", () => {
    const roles = addressesWhere(parsed, "aws_iam_role", (r) => String(r.name).endsWith("-execution"));
    expect(roles).toHaveLength(4);
    for (const role of roles) {
      const statements = roleStatements(parsed, role);
      const granted = [...resourcesForService(statements, "secretsmanager"), ...resourcesForService(statements, "ssm")];
      expect({ role, wildcards: granted.filter((r) => r.includes("*")) }).toEqual({ role, wildcards: [] });
    }
  });

  test("api's container reads each reference from the secret or parameter it names", () => {
    expect(containerOf(parsed, "acme-test-api").secrets).toEqual([
      { name: "DATABASE_PASSWORD", valueFrom: `${masterSecretArn}:password::` },
      { name: "DATABASE_USER", valueFrom: `${masterSecretArn}:username::` },
      { name: "LOG_LEVEL", valueFrom: parameterArn("/acme/test/api/LOG_LEVEL") },
      { name: "STRIPE_API_KEY", valueFrom: secretArn("acme/test/stripe-api-key") },
    ]);
  });
});

describe("Workload parameters and image tags", () => {
  test("publishes each service's parameters under its own component", () => {
    expect(
      configAt(parsed, addressWith(parsed, "aws_ssm_parameter", "name", "/acme/test/api/LOG_LEVEL")),
    ).toMatchObject({ type: "String", value: "debug" });
  });

  test("keeps one image tag parameter per service, starting at the service's initialImageTag", () => {
    const tags = resourcesOf(parsed, "aws_ssm_parameter").filter((p) => String(p.name).endsWith("/IMAGE_TAG"));
    expect(tags.map((p) => [p.name, p.type, p.value]).sort()).toEqual([
      ["/acme/test/api/IMAGE_TAG", "String", "latest"],
      ["/acme/test/web/IMAGE_TAG", "String", "latest"],
      ["/acme/test/worker/IMAGE_TAG", "String", "v1"],
    ]);
  });

  test("leaves the image tag parameters' values to releases", () => {
    const tags = resourcesOf(parsed, "aws_ssm_parameter").filter((p) => String(p.name).endsWith("/IMAGE_TAG"));
    for (const tag of tags) expect(tag.lifecycle).toEqual({ ignore_changes: ["value"] });
  });

  test.each([
    ["web", "latest"],
    ["api", "latest"],
    ["worker", "v1"],
  ])(
    "%s runs the image its own IMAGE parameter holds, which starts as its repository at the initial tag (%s)",
    (name, initialTag) => {
      const repository = addressWith(parsed, "aws_ecr_repository", "name", `acme/test/${name}`);
      const imageParameter = addressWith(parsed, "aws_ssm_parameter", "name", `/acme/test/${name}/IMAGE`);
      expect(configAt(parsed, imageParameter)).toMatchObject({
        type: "String",
        value: `${ref(repository, "repository_url")}:${initialTag}`,
        lifecycle: { ignore_changes: ["value"] },
      });
      const [imageData] = Object.entries(parsed.data!.aws_ssm_parameter).filter(
        ([, d]) => d.name === ref(imageParameter, "name"),
      );
      expect(imageData).toBeDefined();
      expect(containerOf(parsed, `acme-test-${name}`).image).toBe(
        `\${data.aws_ssm_parameter.${imageData[0]}.insecure_value}`,
      );
    },
  );

  test("a table records every release of the services", () => {
    const [table] = addressesWhere(parsed, "aws_dynamodb_table", () => true);
    expect(configAt(parsed, table)).toMatchObject({
      name: "acme-test-releases",
      hash_key: "service",
      range_key: "id",
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
    });
  });
});

describe("Workload container repositories", () => {
  const repositories = addressesWhere(parsed, "aws_ecr_repository", () => true);

  test("one repository per service, named <project>/<workspace>/<service> and encrypted with the data key", () => {
    expect(repositories.map((r) => configAt(parsed, r).name).sort()).toEqual([
      "acme/test/api",
      "acme/test/web",
      "acme/test/worker",
    ]);
    for (const repository of repositories) {
      expect(configAt(parsed, repository).encryption_configuration).toEqual([
        { encryption_type: "KMS", kms_key: dataKeyArn },
      ]);
    }
  });

  test("every repository keeps and expires images as the registry settings say", () => {
    const policies = resourcesOf(parsed, "aws_ecr_lifecycle_policy");
    expect(policies.map((p) => refTarget(p.repository)).sort()).toEqual([...repositories].sort());
    for (const policy of policies) {
      const rules = (JSON.parse(String(policy.policy)) as { rules: { selection: { countNumber: number } }[] }).rules;
      expect(rules.map((r) => r.selection.countNumber)).toEqual([3, 12]);
    }
  });

  test("every repository lets the registry's pull accounts pull", () => {
    const policies = resourcesOf(parsed, "aws_ecr_repository_policy");
    expect(policies.map((p) => refTarget(p.repository)).sort()).toEqual([...repositories].sort());
    for (const policy of policies) {
      expect(statementsOf(parsed, policy.policy).flatMap((s) => s.principals ?? [])).toEqual([
        { type: "AWS", identifiers: ["arn:aws:iam::444444444444:root"] },
      ]);
    }
  });

  test.each(["web", "api", "worker"])("%s's execution role pulls from its own repository only", (name) => {
    const repository = addressWith(parsed, "aws_ecr_repository", "name", `acme/test/${name}`);
    const pull = executionStatements(parsed, name).find((s) => s.actions?.includes("ecr:BatchGetImage"));
    expect(pull?.resources).toEqual([ref(repository, "arn")]);
  });
});

describe("Workload load balancer", () => {
  const lb = onlyAddress(parsed, "aws_lb");
  const httpsListener = addressWith(parsed, "aws_lb_listener", "port", 443);

  test("stands in the network's public subnets", () => {
    expect(configAt(parsed, lb).subnets).toEqual(subnetIds(parsed, "public"));
  });

  test("points the public services' host names at the load balancer, once per name", () => {
    const aliases = resourcesOf(parsed, "aws_route53_record").filter((r) => r.alias !== undefined);
    expect(aliases.map((r) => r.name)).toEqual(["app.test.acme.example.com"]);
  });

  test("routes to the public services only, through rules on the HTTPS listener", () => {
    expect(
      resourcesOf(parsed, "aws_lb_target_group")
        .map((t) => t.name)
        .sort(),
    ).toEqual(["acme-test-api-8080", "acme-test-web-3000"]);
    const rules = resourcesOf(parsed, "aws_lb_listener_rule");
    expect(rules.map((r) => r.listener_arn)).toEqual([ref(httpsListener, "arn"), ref(httpsListener, "arn")]);
  });

  test("public services scale on their requests through the load balancer", () => {
    const labels = resourcesOf(parsed, "aws_appautoscaling_policy")
      .map(
        (p) =>
          (
            p.target_tracking_scaling_policy_configuration as {
              predefined_metric_specification: Record<string, string>;
            }
          ).predefined_metric_specification.resource_label,
      )
      .filter((label) => label !== undefined);
    expect(labels).toHaveLength(2);
    for (const label of labels) expect(label.startsWith(`${ref(lb, "arn_suffix")}/`)).toBe(true);
  });

  test("is not created without dns, and public services then get no target group", () => {
    const noDns = synthWorkload(() => ({ dns: undefined })).parsed;
    for (const type of ["aws_lb", "aws_lb_target_group", "aws_lb_listener_rule", "aws_acm_certificate"]) {
      expect({ type, found: resourcesOf(noDns, type) }).toEqual({ type, found: [] });
    }
  });
});

describe("Workload cluster and services", () => {
  const execLogs = addressWith(parsed, "aws_cloudwatch_log_group", "name", "/ecs/acme-test/exec");

  test.each(["web", "api", "worker"])("%s runs in the network's app subnets", (name) => {
    const service = configAt(parsed, addressWith(parsed, "aws_ecs_service", "name", `acme-test-${name}`));
    expect((service.network_configuration as { subnets: string[] }).subnets).toEqual(subnetIds(parsed, "app"));
  });

  test("every service is created only after the cluster's capacity providers are associated", () => {
    // ECS refuses a capacity provider strategy naming a provider that is not yet associated with the cluster.
    const association = onlyAddress(parsed, "aws_ecs_cluster_capacity_providers");
    for (const service of addressesWhere(parsed, "aws_ecs_service", () => true)) {
      expect({ service, waits: waitsFor(parsed, service, association) }).toEqual({ service, waits: true });
    }
  });

  test("with exec on, every task role writes its sessions to the cluster's exec log group with the data key", () => {
    for (const name of ["web", "api", "worker", "maintenance"]) {
      const statements = roleStatements(parsed, addressWith(parsed, "aws_iam_role", "name", `acme-test-${name}-task`));
      const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));
      expect({ name, key: bySid.ExecSessionKey?.resources, logs: bySid.ExecSessionLogsWrite?.resources }).toEqual({
        name,
        key: [dataKeyArn],
        logs: [`${ref(execLogs, "arn")}:*`],
      });
    }
  });

  test("with exec on, every service allows execute-command", () => {
    expect(resourcesOf(parsed, "aws_ecs_service").map((s) => s.enable_execute_command)).toEqual([true, true, true]);
  });

  test("encrypts every log group it creates with the data key", () => {
    const groups = resourcesOf(parsed, "aws_cloudwatch_log_group").filter((g) => String(g.name).startsWith("/ecs/"));
    expect(groups.map((g) => g.name).sort()).toEqual([
      "/ecs/acme-test/api",
      "/ecs/acme-test/exec",
      "/ecs/acme-test/maintenance",
      "/ecs/acme-test/web",
      "/ecs/acme-test/worker",
    ]);
    for (const g of groups) expect({ name: g.name, key: g.kms_key_id }).toEqual({ name: g.name, key: dataKeyArn });
  });

  test("declares the secrets, encrypted with the data key", () => {
    const secrets = resourcesOf(parsed, "aws_secretsmanager_secret");
    expect(secrets.map((s) => [s.name, s.kms_key_id]).sort()).toEqual([
      ["acme/test/stripe-api-key", dataKeyArn],
      ["acme/test/web-session-key", dataKeyArn],
    ]);
  });

  test("the database stands in the network's database subnets and is encrypted with the data key", () => {
    const [subnetGroup] = resourcesOf(parsed, "aws_db_subnet_group");
    expect(subnetGroup.subnet_ids).toEqual(subnetIds(parsed, "database"));
    expect(configAt(parsed, onlyAddress(parsed, "aws_db_instance")).kms_key_id).toBe(dataKeyArn);
  });

  test("exposes what it creates, services and repositories by service name", () => {
    expect(Object.keys(workload.services)).toEqual(["web", "api", "worker"]);
    expect(Object.keys(workload.repositories)).toEqual(["web", "api", "worker"]);
    expect(Object.keys(workload.imageTagParameters)).toEqual(["web", "api", "worker"]);
    expect([workload.database, workload.loadBalancer, workload.maintenanceTask].every((c) => c !== undefined)).toBe(
      true,
    );
  });
});

describe("Workload of private services without a maintenance task image", () => {
  const { parsed: privateOnly, workload: without } = synthWorkload((props) => ({
    services: props.services.map((s) => ({ ...s, public: false })),
    cluster: { ...props.cluster, maintenanceTaskImage: undefined },
  }));

  test("creates no load balancer, listener, target group, rule or zone", () => {
    for (const type of [
      "aws_lb",
      "aws_lb_listener",
      "aws_lb_target_group",
      "aws_lb_listener_rule",
      "aws_route53_zone",
    ]) {
      expect({ type, found: resourcesOf(privateOnly, type) }).toEqual({ type, found: [] });
    }
    expect(without.loadBalancer).toBeUndefined();
  });

  test("creates no maintenance task", () => {
    expect(without.maintenanceTask).toBeUndefined();
    expect(resourcesOf(privateOnly, "aws_ecs_task_definition").map((t) => t.family)).not.toContain(
      "acme-test-maintenance",
    );
  });
});

describe("Workload with EC2 capacity", () => {
  const { parsed: ec2 } = synthWorkload((props) => ({
    cluster: {
      ...props.cluster,
      ec2: { instanceType: "t3.small", minSize: 0, maxSize: 2, targetCapacityPercent: 80 },
    },
    services: props.services.map((s) => (s.name === "worker" ? { ...s, capacity: "ec2" as const } : s)),
  }));
  const worker = addressWith(ec2, "aws_ecs_service", "name", "acme-test-worker");

  test("launches the container instances in the network's app subnets", () => {
    expect(configAt(ec2, onlyAddress(ec2, "aws_autoscaling_group")).vpc_zone_identifier).toEqual(subnetIds(ec2, "app"));
  });

  test("runs an EC2 service on the cluster's EC2 capacity provider", () => {
    expect(configAt(ec2, worker).capacity_provider_strategy).toEqual([
      { capacity_provider: "acme-test-ec2", weight: 1 },
    ]);
  });

  test("creates an EC2 service only after its capacity provider is associated with the cluster", () => {
    expect(waitsFor(ec2, worker, onlyAddress(ec2, "aws_ecs_cluster_capacity_providers"))).toBe(true);
  });
});

describe("Workload props", () => {
  // Refused while the workload is built: every attempt goes into one stack with one Network and DataKey, and nothing
  // is synthesized.
  const stack = new TerraformStack(Testing.app(), "refusals");
  const props = workloadProps(stack);
  let attempts = 0;
  const build = (change: (props: WorkloadSettings) => Partial<WorkloadSettings>) => () =>
    new Workload(stack, `Workload${++attempts}`, { ...props, ...change(props) });

  test("refuses a reference to a secret that is not declared", () => {
    expect(build(() => ({ secrets: [] }))).toThrow(
      /web: SESSION_SIGNING_KEY references secret "web-session-key", which does not exist/,
    );
  });

  test("refuses a reference to a parameter nothing publishes", () => {
    expect(
      build((props) => ({
        services: props.services.map((s) =>
          s.name === "web" ? { ...s, secrets: { X: { parameter: "MISSING" } } } : s,
        ),
      })),
    ).toThrow(/web: X references parameter "web\/MISSING", which does not exist/);
  });

  test("refuses a reference to the database when there is none", () => {
    expect(build(() => ({ database: undefined }))).toThrow(
      /api: DATABASE_USER references the database secret, which does not exist/,
    );
  });

  test("refuses an EC2 service when the cluster has no EC2 capacity", () => {
    expect(
      build((props) => ({
        services: props.services.map((s) => (s.name === "worker" ? { ...s, capacity: "ec2" as const } : s)),
      })),
    ).toThrow(/ContainerService worker: capacity "ec2" needs ec2CapacityProviderName/);
  });
});

describe("Workload database secret rotation", () => {
  const restartPolicy = (s: Synthesized) => {
    const docs = s.data!.aws_iam_policy_document as Record<string, { statement: PolicyStatement[] }>;
    return Object.entries(docs).find(([id]) => id.includes("DatabaseRotationRestart_RestartPolicy"))![1].statement;
  };
  // The ARN of a service the stack creates, written out from its name (known at plan time, unlike the service's id).
  const serviceArn = (s: Synthesized, name: string) => {
    expect(addressWith(s, "aws_ecs_service", "name", name)).toBeTruthy();
    return `arn:aws:ecs:us-east-1:222222222222:service/acme-test-cluster/${name}`;
  };

  test("restarts the services that read the database secret (api), not those reading its endpoint (worker)", () => {
    const rule = configAt(parsed, onlyAddress(parsed, "aws_cloudwatch_event_rule"));
    expect(JSON.parse(String(rule.event_pattern)).detail.additionalEventData).toEqual({ SecretId: [masterSecretArn] });
    expect(restartPolicy(parsed)[0].resources).toEqual([serviceArn(parsed, "acme-test-api")]);
  });

  test("restarts both colours of a blue/green service that reads it", () => {
    const { parsed: bg } = synthWorkload((props) => ({
      loadBalancer: { ...props.loadBalancer!, testListener: { port: 8443, allowedCidrs: ["10.0.0.0/8"] } },
      services: props.services.map((s) =>
        s.name === "api" ? { ...s, deployment: { ...s.deployment, strategy: "blue-green" as const } } : s,
      ),
    }));
    expect(restartPolicy(bg)[0].resources).toEqual([
      serviceArn(bg, "acme-test-api-blue"),
      serviceArn(bg, "acme-test-api-green"),
    ]);
  });

  test("has nothing to restart when no service reads the database secret", () => {
    const { parsed: none } = synthWorkload((props) => ({
      services: props.services.map((s) =>
        s.name === "api" ? { ...s, secrets: { LOG_LEVEL: { parameter: "LOG_LEVEL" } } } : s,
      ),
    }));
    expect(none.resource.aws_sfn_state_machine).toBeUndefined();
    expect(none.resource.aws_cloudwatch_event_rule).toBeUndefined();
  });
});
