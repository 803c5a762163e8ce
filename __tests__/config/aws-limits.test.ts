// Configurations that would pass a plan but fail, or be unsafe, in real AWS: each is refused at load with the file,
// the field and what would be valid.
import { validateWorkspace } from "../../src/config";
import {
  DEV_FILE,
  PROD_FILE,
  configIssue,
  devInput,
  loose,
  projectConfig,
  validateChanged,
  workspaceConfig,
} from "../../test/fixtures";

const dev = (change: Parameters<typeof validateChanged>[1]) => validateChanged("dev", change);
const prod = (change: Parameters<typeof validateChanged>[1]) => validateChanged("prod", change);
const devIssue = (field: string, message: RegExp) => configIssue(DEV_FILE, field, message);

describe("network egress", () => {
  test("no NAT and no interface endpoints leaves tasks unable to pull images", () => {
    expect(dev((ws) => (ws.network.natGateways = "none"))).toThrow(
      devIssue(
        "network.natGateways",
        /"none" leaves the tasks no way to pull images.*turn on network\.endpoints\.interface/,
      ),
    );
  });

  test("no NAT is accepted when interface endpoints carry the AWS traffic (and nothing needs the internet)", () => {
    expect(() =>
      workspaceConfig(
        (() => {
          const ws = loose(devInput());
          ws.network.natGateways = "none";
          ws.network.endpoints = { gateway: true, interface: true };
          ws.cluster = { ...ws.cluster, maintenanceTask: { enabled: false } };
          return ws;
        })(),
        DEV_FILE,
      ),
    ).not.toThrow();
  });

  test("no NAT with EC2 capacity is refused (the ECS agent endpoints are not created)", () => {
    expect(
      dev((ws) => {
        ws.network.natGateways = "none";
        ws.network.endpoints = { interface: true };
        ws.cluster.ec2 = {};
        ws.cluster.maintenanceTask = { enabled: false };
      }),
    ).toThrow(
      devIssue("network.natGateways", /"none" leaves EC2 container instances no way to reach the ECS agent endpoints/),
    );
  });

  test("no NAT with the maintenance task is refused (its image is public)", () => {
    expect(
      dev((ws) => {
        ws.network.natGateways = "none";
        ws.network.endpoints = { interface: true };
      }),
    ).toThrow(devIssue("network.natGateways", /"none" leaves the maintenance task no way to pull its public image/));
  });
});

describe("load balancer limits", () => {
  test("public subnets smaller than /27 (a /23 VPC) are refused when a service is public", () => {
    expect(dev((ws) => (ws.network.cidr = "10.10.0.0/23"))).toThrow(
      devIssue(
        "network.cidr",
        /public subnet 10\.10\.0\.0\/28 is smaller than the \/27 a load balancer needs; use a VPC of \/22 or larger/,
      ),
    );
  });

  test("a /22 VPC is enough", () => {
    expect(() =>
      workspaceConfig({ ...devInput(), network: { ...devInput().network, cidr: "10.10.0.0/22" } }, DEV_FILE),
    ).not.toThrow();
  });

  test("more than five hosts and paths in one rule are refused", () => {
    expect(dev((ws) => (ws.services[1].paths = ["/a/*", "/b/*", "/c/*", "/d/*", "/e/*"]))).toThrow(
      devIssue("services[1].hosts", /1 hosts and 5 paths exceed the 5 values one listener rule can match/),
    );
  });

  test("public ports across zones beyond the network ACL rule quota are refused", () => {
    const extra = Array.from({ length: 17 }, (_, i) => ({
      name: `svc${i}`,
      port: 9000 + i,
      hosts: [`s${i}.dev.acme.example.com`],
      priority: 200 + i,
    }));
    expect(
      dev((ws) => {
        ws.network.azCount = 3;
        ws.services.push(...extra);
      }),
    ).toThrow(
      devIssue(
        "services",
        /19 distinct public service ports across 3 zones need 21 network ACL rules in one direction \(the public tier.s outbound rules: one per distinct port/,
      ),
    );
  });

  test("a default name prefix longer than 24 characters is refused", () => {
    const project = { ...projectConfig(), project: "acme-platform-team" };
    expect(() => validateWorkspace({ ...devInput(), name: "development" }, DEV_FILE, project)).toThrow(
      devIssue(
        "namePrefix",
        /"acme-platform-team-development" \(the default <project>-<name>\) is longer than 24 characters.*set a shorter namePrefix/,
      ),
    );
  });
});

describe("least privilege and secrets", () => {
  test("a task policy granting every action of a service is refused", () => {
    expect(dev((ws) => (ws.services[0].taskPolicy = [{ actions: ["s3:*"], resources: ["arn:aws:s3:::b/*"] }]))).toThrow(
      devIssue(
        "services[0].taskPolicy[0].actions",
        /"s3:\*" grants every action of a service; list the actions the application needs/,
      ),
    );
    expect(dev((ws) => (ws.services[0].taskPolicy = [{ actions: ["*"], resources: ["*"] }]))).toThrow(
      devIssue("services[0].taskPolicy[0].actions", /"\*" grants every action/),
    );
  });

  test("IAM actions on every resource are refused", () => {
    expect(dev((ws) => (ws.services[0].taskPolicy = [{ actions: ["iam:PassRole"], resources: ["*"] }]))).toThrow(
      devIssue(
        "services[0].taskPolicy[0].resources",
        /IAM actions on "\*" let the application escalate its own rights/,
      ),
    );
  });

  test("a scoped task policy is accepted", () => {
    expect(() =>
      workspaceConfig(
        (() => {
          const ws = loose(devInput());
          ws.services[0].taskPolicy = [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::uploads/*"] }];
          return ws;
        })(),
        DEV_FILE,
      ),
    ).not.toThrow();
  });

  test("a JSON key on a generated (plain string) secret is refused", () => {
    expect(
      dev((ws) => (ws.services[0].secrets.SESSION_SIGNING_KEY = { secret: "web-session-key", key: "value" })),
    ).toThrow(
      devIssue(
        "services[0].secrets.SESSION_SIGNING_KEY.key",
        /secret "web-session-key" is generated as a plain string, so it has no JSON key "value"/,
      ),
    );
  });

  test.each([
    ["JWT_SIGNING_KEY", "abc"],
    ["STRIPE_KEY", "sk_live_1"],
    ["CACHE_URL", "redis://:hunter2@cache.internal:6379"],
    ["UPSTREAM", "https://user:hunter2@api.example.com/v1"],
  ])("environment %s is refused as a literal secret", (name, value) => {
    expect(dev((ws) => (ws.services[0].environment[name] = value))).toThrow(
      devIssue(`services[0].environment.${name}`, /looks like a literal secret value/),
    );
  });

  test.each(["PUBLIC_KEY", "KEY_ID", "CACHE_KEY"])("environment %s is not mistaken for a secret", (name) => {
    const ws = loose(devInput());
    ws.services[0].environment[name] = "some-value";
    expect(() => workspaceConfig(ws, DEV_FILE)).not.toThrow();
  });
});

describe("state access", () => {
  test("a workspace may name its own state principals", () => {
    const ws = workspaceConfig({ ...devInput(), statePrincipals: ["arn:aws:iam::222222222222:role/ci-dev"] }, DEV_FILE);
    expect(ws.statePrincipals).toEqual(["arn:aws:iam::222222222222:role/ci-dev"]);
  });

  test("without them it inherits the project's", () => {
    expect(workspaceConfig(devInput(), DEV_FILE).statePrincipals).toEqual(["arn:aws:iam::111111111111:root"]);
  });

  test("a malformed principal is refused with an example", () => {
    expect(prod((ws) => (ws.statePrincipals = ["ci-prod"]))).toThrow(
      configIssue(PROD_FILE, "statePrincipals[0]", /must be an IAM principal ARN, e.g\./),
    );
  });
});
