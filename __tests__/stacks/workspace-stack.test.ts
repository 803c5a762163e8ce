import { TerraformStack, Testing } from "cdktf";
import { DataKey } from "../../src/constructs/data-key";
import { DEFAULT_DATABASE_PORT } from "../../src/constructs/database-engines";
import { Network } from "../../src/constructs/network";
import { workloadProps, workloadService } from "../../src/stacks/workspace-stack";
import { dataKeyProps, networkProps } from "../../test/construct-fixtures";
import { naclAllows, synthesizedRules } from "../../test/nacl";
import { resourcesOf, synthWorkspaceStack } from "../../test/stacks";
import { fixtureProject, fixtureWorkspace } from "../../test/workspace-fixtures";
import { addressWith, configAt, onlyAddress, ref } from "../../test/terraform";

const workspace = fixtureWorkspace();
const { parsed } = synthWorkspaceStack(fixtureProject(), workspace);
const dataKeyArn = ref(onlyAddress(parsed, "aws_kms_key"), "arn");

/** No DNS and no database: every service private, none reading the database. */
const minimal = synthWorkspaceStack(
  fixtureProject(),
  fixtureWorkspace((ws) => {
    delete ws.dns;
    delete ws.database;
    ws.services = ws.services!.map((s) => ({ ...s, public: false, hosts: [], paths: [] }));
    ws.services.find((s) => s.name === "api")!.secrets = { LOG_LEVEL: { parameter: "LOG_LEVEL" } };
  }),
).parsed;

describe("WorkspaceStack state and provider", () => {
  test("keeps state in the master account's bucket under its own key, locked by DynamoDB and the S3 lockfile", () => {
    expect(parsed.terraform.backend).toEqual({
      s3: {
        bucket: "acme-tfstate-111111111111",
        key: "workspaces/stage/terraform.tfstate",
        region: "us-east-1",
        encrypt: true,
        dynamodb_table: "acme-tfstate-lock",
        use_lockfile: true,
        allowed_account_ids: ["111111111111"],
        assume_role: { role_arn: "arn:aws:iam::111111111111:role/acme-tfstate-stage" },
      },
    });
  });

  test("deploys into its own account through the deploy role, and refuses any other account", () => {
    expect(parsed.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      allowed_account_ids: ["555555555555"],
      assume_role: [{ role_arn: "${var.deploy_role_arn}", session_name: "acme-stage-deploy" }],
    });
    expect((parsed as unknown as { variable: Record<string, unknown> }).variable.deploy_role_arn).toMatchObject({
      type: "string",
      default: "arn:aws:iam::555555555555:role/terraform-deploy",
    });
  });

  test("tags every resource with project, environment and managed-by, over the workspace's own tags", () => {
    expect(parsed.provider.aws[0].default_tags).toEqual([
      { tags: { CostCenter: "engineering", Project: "acme", Environment: "stage", ManagedBy: "cdktf" } },
    ]);
  });

  test("names resources from the workspace prefix", () => {
    const [vpc] = resourcesOf(parsed, "aws_vpc");
    expect(vpc.tags).toEqual({ Name: "acme-stage-vpc" });
  });
});

describe("WorkspaceStack data key", () => {
  test("is the workspace's <prefix>-data key", () => {
    expect(resourcesOf(parsed, "aws_kms_alias").map((a) => a.name)).toEqual(["alias/acme-stage-data"]);
  });

  test("can be destroyed outside production", () => {
    expect(configAt(parsed, onlyAddress(parsed, "aws_kms_key")).lifecycle).toEqual({ prevent_destroy: false });
  });

  test("cannot be destroyed in production, where its final snapshot would become unreadable", () => {
    const production = synthWorkspaceStack(
      fixtureProject(),
      fixtureWorkspace((ws) => (ws.production = true)),
    ).parsed;
    expect(configAt(production, onlyAddress(production, "aws_kms_key")).lifecycle).toEqual({ prevent_destroy: true });
  });

  test("encrypts every log group of the stack, the network's flow logs included", () => {
    const groups = resourcesOf(parsed, "aws_cloudwatch_log_group");
    expect(groups.map((g) => g.name)).toContain("/vpc/acme-stage/flow-logs");
    expect(groups.filter((g) => g.kms_key_id !== dataKeyArn).map((g) => g.name)).toEqual([]);
  });

  test("is the key the workload encrypts with", () => {
    expect(configAt(parsed, onlyAddress(parsed, "aws_db_instance")).kms_key_id).toBe(dataKeyArn);
  });
});

describe("WorkspaceStack network ACLs", () => {
  const layout = workspace.network.subnets;
  const appRules = synthesizedRules(parsed, "app");

  test.each([3000, 8080])("let the load balancer reach public service port %i", (port) => {
    expect(naclAllows(appRules, "ingress", layout.public[0], port)).toBe(true);
  });

  test("keep the private worker's port closed to the public tier", () => {
    expect(naclAllows(appRules, "ingress", layout.public[0], 9000)).toBe(false);
  });

  test("open the database's port into the database tier", () => {
    expect(naclAllows(synthesizedRules(parsed, "database"), "ingress", layout.app[0], 5432)).toBe(true);
  });

  test("open PostgreSQL's port into the database tier of a workspace without a database", () => {
    const rules = synthesizedRules(minimal, "database");
    expect(naclAllows(rules, "ingress", layout.app[0], DEFAULT_DATABASE_PORT)).toBe(true);
  });
});

describe("WorkspaceStack alarms, dashboard and operators", () => {
  const alarms = Object.fromEntries(
    resourcesOf(parsed, "aws_cloudwatch_metric_alarm").map((a) => [String(a.alarm_name), a]),
  );
  const topic = onlyAddress(parsed, "aws_sns_topic");

  test("every alarm notifies the workspace's encrypted topic", () => {
    expect(configAt(parsed, topic)).toMatchObject({ name: "acme-stage-alarms", kms_master_key_id: dataKeyArn });
    expect(Object.keys(alarms).length).toBeGreaterThan(10);
    for (const alarm of Object.values(alarms)) expect(alarm.alarm_actions).toEqual([ref(topic, "arn")]);
  });

  test("watches the load balancer, each service, the database and the NAT gateway", () => {
    expect(Object.keys(alarms)).toEqual(
      expect.arrayContaining([
        "acme-stage-alb-5xx",
        "acme-stage-web-5xx",
        "acme-stage-api-p99",
        "acme-stage-worker-cpu",
        "acme-stage-db-free-storage",
        "acme-stage-nat-us-east-1a-port-allocation",
      ]),
    );
    expect(alarms["acme-stage-worker-5xx"]).toBeUndefined();
  });

  test("a service's own thresholds override the workspace's", () => {
    const { parsed: changed } = synthWorkspaceStack(
      fixtureProject(),
      fixtureWorkspace((ws) => {
        ws.alarms = { services: { cpuPercent: 70 } };
        ws.services![1].alarms = { cpuPercent: 95 };
      }),
    );
    const threshold = (name: string) =>
      configAt(changed, addressWith(changed, "aws_cloudwatch_metric_alarm", "alarm_name", name)).threshold;
    expect(threshold("acme-stage-api-cpu")).toBe(95);
    expect(threshold("acme-stage-web-cpu")).toBe(70);
  });

  test("a service rolls back on its deployment alarms, created before it", () => {
    const api = configAt(parsed, addressWith(parsed, "aws_ecs_service", "name", "acme-stage-api"));
    expect(api.alarms).toEqual({
      alarm_names: ["acme-stage-api-5xx", "acme-stage-api-unhealthy-hosts"],
      enable: true,
      rollback: true,
    });
    for (const name of ["acme-stage-api-5xx", "acme-stage-api-unhealthy-hosts"]) {
      expect(api.depends_on).toContain(addressWith(parsed, "aws_cloudwatch_metric_alarm", "alarm_name", name));
    }
  });

  test("alarms turned off leave no alarms and no deployment alarms", () => {
    const { parsed: off } = synthWorkspaceStack(
      fixtureProject(),
      fixtureWorkspace((ws) => (ws.alarms = { enabled: false })),
    );
    expect(resourcesOf(off, "aws_cloudwatch_metric_alarm")).toEqual([]);
    for (const service of resourcesOf(off, "aws_ecs_service")) expect(service.alarms).toBeUndefined();
  });

  test("the dashboard graphs the real load balancer and database", () => {
    const body = String(configAt(parsed, onlyAddress(parsed, "aws_cloudwatch_dashboard")).dashboard_body);
    expect(body).toContain(ref(onlyAddress(parsed, "aws_lb"), "arn_suffix"));
    expect(body).toContain(ref(onlyAddress(parsed, "aws_db_instance"), "identifier"));
    expect(() => JSON.parse(body) as unknown).not.toThrow();
  });

  test("has an operator role only when the workspace names operators", () => {
    expect(resourcesOf(parsed, "aws_iam_role").map((r) => r.name)).not.toContain("acme-stage-operator");
    const { parsed: withOperators } = synthWorkspaceStack(
      fixtureProject(),
      fixtureWorkspace((ws) => (ws.operators = ["arn:aws:iam::555555555555:role/oncall"])),
    );
    expect(resourcesOf(withOperators, "aws_iam_role").map((r) => r.name)).toContain("acme-stage-operator");
    expect(withOperators.output?.operator_role_arn).toBeDefined();
  });
});

describe("WorkspaceStack outputs", () => {
  const outputs = parsed.output ?? {};

  test("outputs the network's ids and what operators and scripts look up", () => {
    expect(Object.keys(outputs).sort()).toEqual([
      "account_id",
      "alarm_topic_arn",
      "app_subnet_ids",
      "cluster_name",
      "dashboard_url",
      "database_endpoint",
      "database_master_secret_arn",
      "database_subnet_ids",
      "load_balancer_dns_name",
      "network_acl_ids",
      "public_subnet_ids",
      "releases_table",
      "route_table_ids",
      "secret_arns",
      "services",
      "vpc_id",
      "zone_id",
      "zone_name_servers",
    ]);
  });

  test("outputs no load balancer, zone or database without DNS and a database", () => {
    expect(
      Object.keys(minimal.output ?? {}).filter((o) => /load_balancer|zone|database_(endpoint|master)/.test(o)),
    ).toEqual([]);
  });

  test("gives per service its ECS service, repository URL, image parameters and log group", () => {
    const byName = (type: string, attribute: string, value: string, field: string) =>
      ref(addressWith(parsed, type, attribute, value), field);
    expect(outputs.services.value).toEqual(
      Object.fromEntries(
        ["web", "api", "worker"].map((name) => [
          name,
          {
            service: byName("aws_ecs_service", "name", `acme-stage-${name}`, "name"),
            repository_url: byName("aws_ecr_repository", "name", `acme/stage/${name}`, "repository_url"),
            image_parameter: byName("aws_ssm_parameter", "name", `/acme/stage/${name}/IMAGE`, "name"),
            image_tag_parameter: byName("aws_ssm_parameter", "name", `/acme/stage/${name}/IMAGE_TAG`, "name"),
            log_group: byName("aws_cloudwatch_log_group", "name", `/ecs/acme-stage/${name}`, "name"),
          },
        ]),
      ),
    );
  });

  test("gives each declared secret's ARN by name", () => {
    expect(outputs.secret_arns.value).toEqual({
      "web-session-key": ref(
        addressWith(parsed, "aws_secretsmanager_secret", "name", "acme/stage/web-session-key"),
        "arn",
      ),
    });
  });
});

describe("workloadProps maps the configuration onto the workload field by field", () => {
  const stack = new TerraformStack(Testing.app(), "s");
  const network = new Network(stack, "Network", networkProps());
  const dataKey = new DataKey(stack, "DataKey", dataKeyProps());
  const props = workloadProps(fixtureProject(), workspace, network, dataKey);

  /** Each field equals the configuration's field of the same name. */
  function expectSameNamedFields(mapped: object, config: object): void {
    const source = config as Record<string, unknown>;
    for (const [field, value] of Object.entries(mapped)) {
      expect({ field, value }).toEqual({ field, value: source[field] });
    }
  }

  test("names the workload from the project and workspace, in the workspace's account and region", () => {
    expect(props).toMatchObject({
      project: "acme",
      workspace: "stage",
      namePrefix: "acme-stage",
      accountId: "555555555555",
      region: "us-east-1",
    });
  });

  test("hands the workload the network and key it is given", () => {
    expect(props.network).toBe(network);
    expect(props.dataKey).toBe(dataKey);
  });

  test.each(workspace.services.map((s) => [s.name, s] as const))(
    "maps every setting of service %s to the workload field of the same name",
    (_name, svc) => {
      const { migrationCommand, deploymentAlarms, ...rest } = workloadService(svc, true);
      expectSameNamedFields(rest, svc);
      expect(migrationCommand).toEqual(svc.migration?.command);
      expect(deploymentAlarms).toBe(svc.alarms.enabled);
      expect(workloadService(svc, false).deploymentAlarms).toBe(false);
    },
  );

  test("gives the api its migration command and the others none", () => {
    expect(props.services.map((s) => [s.name, s.migrationCommand])).toEqual([
      ["web", undefined],
      ["api", ["npm", "run", "db:migrate"]],
      ["worker", undefined],
    ]);
  });

  test("maps every database setting to the field of the same name", () => {
    expect(Object.keys(props.database!).length).toBeGreaterThan(10);
    expectSameNamedFields(props.database!, workspace.database!);
  });

  test("passes each secret's name, description and recovery window, and nothing only the scripts use", () => {
    expect(props.secrets).toEqual([
      { name: "web-session-key", description: "Signs the web front end's session cookies", recoveryWindowDays: 30 },
    ]);
  });

  test("maps the cluster, dns, load balancer and registry settings to the fields of the same name", () => {
    const { maintenanceTaskImage, maintenanceIdleMinutes, ec2, ...cluster } = props.cluster;
    expectSameNamedFields(cluster, workspace.cluster);
    expectSameNamedFields(props.dns!, workspace.dns!);
    expectSameNamedFields(props.loadBalancer, workspace.loadBalancer);
    expectSameNamedFields(props.registry, workspace.registry);
    expect(ec2).toBeUndefined();
    expect(maintenanceTaskImage).toBe(workspace.cluster.maintenanceTask!.image);
    expect(maintenanceIdleMinutes).toBe(workspace.cluster.maintenanceTask!.idleMinutes);
  });

  test("gives no maintenance task image when the task is not enabled", () => {
    const disabled = fixtureWorkspace((ws) => (ws.cluster!.maintenanceTask = { enabled: false }));
    expect(workloadProps(fixtureProject(), disabled, network, dataKey).cluster.maintenanceTaskImage).toBeUndefined();
  });

  test("passes the EC2 capacity sizes when the cluster has EC2 capacity", () => {
    const ec2 = { instanceType: "t3.medium", minSize: 1, maxSize: 4, targetCapacityPercent: 90 };
    const withEc2 = fixtureWorkspace((ws) => (ws.cluster!.ec2 = ec2));
    expect(workloadProps(fixtureProject(), withEc2, network, dataKey).cluster.ec2).toEqual(ec2);
  });
});
