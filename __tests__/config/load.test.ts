import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ConfigError,
  loadEnvironments,
  validateProject,
  validateWorkspace,
  validateWorkspaceSet,
} from "../../src/config";
import {
  BOOTSTRAP_FILE,
  bootstrapInput,
  DEV_FILE,
  devInput,
  Loose,
  loose,
  PROD_FILE,
  prodInput,
  projectConfig,
  workspaceConfig,
} from "../../test/fixtures";

const PROJECT_ROOT = path.resolve(__dirname, "../..");
const ENVIRONMENTS_DIR = path.join(__dirname, "../../environments");

/** Validates a changed copy of environments/dev.ts. */
function validateDev(change: (ws: Loose) => void): () => unknown {
  const input = devInput();
  change(loose(input));
  return () => validateWorkspace(input, DEV_FILE, projectConfig());
}

/** Validates a changed copy of environments/bootstrap.ts. */
function validateBootstrap(change: (p: Loose) => void): () => unknown {
  const input = bootstrapInput();
  change(loose(input));
  return () => validateProject(input, BOOTSTRAP_FILE);
}

const EXPLICIT_SUBNETS = {
  public: ["10.10.0.0/24", "10.10.1.0/24"],
  app: ["10.10.10.0/24", "10.10.11.0/24"],
  database: ["10.10.20.0/24", "10.10.21.0/24"],
};

// ---------------------------------------------------------------------------------------------------------------
// environments/bootstrap.ts
// ---------------------------------------------------------------------------------------------------------------

describe("validateProject rejects", () => {
  test("a file without a default export", () => {
    expect(() => validateProject(undefined, BOOTSTRAP_FILE)).toThrow(
      /environments\/bootstrap\.ts is not a valid configuration:[\s\S]*- \(file\): the file has no configuration object as its default export; expected `export default \{ \.\.\. \}`/,
    );
  });

  test("an empty project name", () => {
    expect(validateBootstrap((p) => (p.project = ""))).toThrow(
      /environments\/bootstrap\.ts is not a valid configuration:[\s\S]*- project: project name must not be empty; expected e\.g\. "acme"/,
    );
  });

  test("an unknown field nested under stateBucket, listing the valid ones", () => {
    expect(validateBootstrap((p) => (p.stateBucket.nam = "acme-state"))).toThrow(
      /environments\/bootstrap\.ts is not a valid configuration:[\s\S]*- stateBucket\.nam: unknown field; valid fields here: name, noncurrentVersionExpirationDays/,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts: top-level fields
// ---------------------------------------------------------------------------------------------------------------

describe("validateWorkspace rejects", () => {
  test("a missing account id, saying it needs 12 digits", () => {
    expect(validateDev((ws) => delete ws.accountId)).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- accountId: .*required.*12 digits/,
    );
  });

  test("an account id that is not 12 digits", () => {
    expect(validateDev((ws) => (ws.accountId = "12345"))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- accountId: "12345" is not an AWS account id; expected exactly 12 digits as a string/,
    );
  });

  test("an account id given as a number instead of a string", () => {
    expect(validateDev((ws) => (ws.accountId = 222222222222))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- accountId: expected an AWS account id: exactly 12 digits as a string, e\.g\. "123456789012", got number 222222222222/,
    );
  });

  test("an unknown region, listing the known ones", () => {
    expect(validateDev((ws) => (ws.region = "us-east-9"))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- region: "us-east-9" is not a known AWS region; expected one of us-east-1, us-east-2, us-west-1, us-west-2, .*eu-west-1.*il-central-1/,
    );
  });

  test("a workspace name with spaces", () => {
    expect(validateDev((ws) => (ws.name = "my dev"))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- name: "my dev" is not a valid workspace name; expected at most 12 lowercase letters, digits and hyphens/,
    );
  });

  test('the reserved workspace name "bootstrap"', () => {
    expect(validateDev((ws) => (ws.name = "bootstrap"))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- name: "bootstrap" is reserved for the state bootstrap stack; choose another name/,
    );
  });

  test("a value of the wrong type (azCount as a string)", () => {
    expect(validateDev((ws) => (ws.network.azCount = "2"))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.azCount: expected number, got string "2"/,
    );
  });

  test("a misspelt top-level field, listing the valid fields and the one now missing", () => {
    const check = validateDev((ws) => {
      ws.netwrk = ws.network;
      delete ws.network;
    });
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- netwrk: unknown field; valid fields here: name, accountId, region, deployRoleName, statePrincipals, namePrefix, tags, production, sharedAccountWaiver, quotas, network, dns, loadBalancer, registry, cluster, services, secrets, database/,
    );
    expect(check).toThrow(/- network: is required; expected object/);
  });

  test("an unknown field under network, listing the valid network fields", () => {
    expect(validateDev((ws) => (ws.network.natGateway = "single"))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.natGateway: unknown field; valid fields here: cidr, azCount, availabilityZones, natGateways, subnets, flowLogs, endpoints, peerWith/,
    );
  });

  test("a tag key longer than AWS allows, saying the limit", () => {
    expect(validateDev((ws) => (ws.tags = { ["k".repeat(129)]: "v" }))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- tags\b.*128/,
    );
  });

  test("with a ConfigError that carries the file and each field", () => {
    let error: unknown;
    try {
      validateDev((ws) => (ws.region = "mars"))();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe(DEV_FILE);
    expect((error as ConfigError).issues.map((i) => i.field)).toEqual(["region"]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts: network
// ---------------------------------------------------------------------------------------------------------------

describe("validateWorkspace rejects the network setting", () => {
  test.each(["10.0.0.0/33", "10.0.0.1/16", "banana"])("cidr %s, which is not a valid CIDR block", (cidr) => {
    const escaped = cidr.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    expect(validateDev((ws) => (ws.network.cidr = cidr))).toThrow(
      new RegExp(
        `environments/dev\\.ts is not a valid configuration:[\\s\\S]*- network\\.cidr: "${escaped}" is not a valid IPv4 CIDR block; ` +
          `expected a network address and prefix such as "10\\.10\\.0\\.0/16" \\(no host bits set\\)`,
      ),
    );
  });

  test("a /24 VPC, too small for the derived three-tier layout", () => {
    expect(validateDev((ws) => (ws.network.cidr = "10.10.0.0/24"))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.cidr: \/24 is too small for the derived subnet layout .*; use \/23 or larger, or give network\.subnets explicitly/,
    );
  });

  test("explicit subnets outside the VPC", () => {
    const check = validateDev((ws) => {
      ws.network.subnets = structuredClone(EXPLICIT_SUBNETS);
      ws.network.subnets.app[1] = "10.99.0.0/24";
    });
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.subnets\.app\[1\]: 10\.99\.0\.0\/24 is outside the VPC 10\.10\.0\.0\/16; expected a block inside it/,
    );
  });

  test("explicit subnets that overlap each other", () => {
    const check = validateDev((ws) => {
      ws.network.subnets = structuredClone(EXPLICIT_SUBNETS);
      ws.network.subnets.database[0] = "10.10.1.0/25";
    });
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.subnets\.database\[0\]: 10\.10\.1\.0\/25 overlaps 10\.10\.1\.0\/24 \(network\.subnets\.public\[1\]\); subnets must be disjoint/,
    );
  });

  test("a tier with fewer explicit subnets than availability zones", () => {
    const check = validateDev((ws) => {
      ws.network.subnets = structuredClone(EXPLICIT_SUBNETS);
      ws.network.subnets.public.pop();
    });
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.subnets\.public: 1 subnet\(s\) given for 2 availability zones; expected exactly one per zone/,
    );
  });

  test("azCount 1", () => {
    expect(validateDev((ws) => (ws.network.azCount = 1))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.azCount: 1 is too few; at least 2 availability zones are needed/,
    );
  });

  test("availabilityZones with one entry", () => {
    const check = validateDev((ws) => {
      delete ws.network.azCount;
      ws.network.availabilityZones = ["us-east-1a"];
    });
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.availabilityZones: 1 availability zone\(s\) given; at least 2 are needed/,
    );
  });

  test("azCount 7 in us-east-1, which has 6 zones", () => {
    expect(validateDev((ws) => (ws.network.azCount = 7))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.azCount: 7 is more than us-east-1 offers; expected at most 6 \(us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f\)/,
    );
  });

  test("azCount 3 in us-west-1, which has 2 zones", () => {
    const check = validateDev((ws) => {
      ws.region = "us-west-1";
      ws.network.azCount = 3;
    });
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.azCount: 3 is more than us-west-1 offers; expected at most 2 \(us-west-1a, us-west-1c\)/,
    );
  });

  test("an availability zone of another region", () => {
    const check = validateDev((ws) => {
      delete ws.network.azCount;
      ws.network.availabilityZones = ["us-east-1a", "us-west-2b"];
    });
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.availabilityZones\[1\]: "us-west-2b" is not an availability zone of us-east-1; expected one of us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f/,
    );
  });

  test("azCount and availabilityZones both given", () => {
    expect(validateDev((ws) => (ws.network.availabilityZones = ["us-east-1a", "us-east-1b"]))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.azCount: give either azCount or availabilityZones, not both/,
    );
  });

  test('an unknown NAT mode ("nat-per-az")', () => {
    expect(validateDev((ws) => (ws.network.natGateways = "nat-per-az"))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.natGateways: "nat-per-az" is not allowed; expected one of "none", "single", "one-per-az"/,
    );
  });

  test("a flow log retention CloudWatch does not accept (10 days)", () => {
    expect(validateDev((ws) => (ws.network.flowLogs.retentionDays = 10))).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.flowLogs\.retentionDays: 10 is not a CloudWatch Logs retention period; expected one of 1, 3, 5, 7, 14, 30, .*3653/,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Checks across workspaces
// ---------------------------------------------------------------------------------------------------------------

describe("validateWorkspaceSet rejects", () => {
  test("two workspaces with the same name, naming both files", () => {
    const first = workspaceConfig(devInput(), DEV_FILE);
    const second = workspaceConfig(devInput(), "environments/dev-copy.ts");
    expect(() => validateWorkspaceSet([first, second])).toThrow(
      /environments\/dev-copy\.ts is not a valid configuration:[\s\S]*- name: workspace "dev" is already declared in environments\/dev\.ts; every workspace needs its own name/,
    );
  });

  test("peerWith naming an unknown workspace, listing the workspaces", () => {
    const dev = devInput();
    dev.network.peerWith = ["staging"];
    const set = [workspaceConfig(dev, DEV_FILE), workspaceConfig(prodInput(), PROD_FILE)];
    expect(() => validateWorkspaceSet(set)).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.peerWith\[0\]: no workspace is named "staging"; expected one of .*prod/,
    );
  });

  test("peerWith naming an unknown workspace offers only the other workspaces, not itself", () => {
    const dev = devInput();
    dev.network.peerWith = ["staging"];
    const set = [workspaceConfig(dev, DEV_FILE), workspaceConfig(prodInput(), PROD_FILE)];
    // Peering with itself is rejected ("a workspace cannot be peered with itself"), so "dev" is not a valid choice.
    expect(() => validateWorkspaceSet(set)).toThrow(
      /- network\.peerWith\[0\]: no workspace is named "staging"; expected one of prod$/m,
    );
  });

  test("peered workspaces with overlapping CIDRs, naming the peer's file", () => {
    const prod = prodInput();
    prod.network.cidr = "10.10.0.0/16";
    const set = [workspaceConfig(devInput(), DEV_FILE), workspaceConfig(prod, PROD_FILE)];
    expect(() => validateWorkspaceSet(set)).toThrow(
      /environments\/dev\.ts is not a valid configuration:[\s\S]*- network\.cidr: 10\.10\.0\.0\/16 overlaps 10\.10\.0\.0\/16 of workspace "prod" \(environments\/prod\.ts\).*peered VPCs need disjoint CIDRs/,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Several problems at once
// ---------------------------------------------------------------------------------------------------------------

describe("a file with several problems", () => {
  test("reports every field problem in one message", () => {
    const check = validateDev((ws) => {
      ws.accountId = "1";
      ws.region = "mars";
      ws.network.natGateways = "x";
    });
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:\n {2}- accountId: "1" .*12 digits.*\n {2}- region: "mars" .*expected one of .*\n {2}- network\.natGateways: "x" .*expected one of "none", "single", "one-per-az"$/,
    );
  });

  test("reports every network and name problem in one message", () => {
    const check = validateDev((ws) => {
      ws.name = "bootstrap";
      ws.network.azCount = 1;
    });
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:\n {2}- network\.azCount: 1 is too few.*\n {2}- name: "bootstrap" is reserved/,
    );
  });

  test("reports a field problem and a network problem together", () => {
    const check = validateDev((ws) => {
      ws.accountId = "1";
      ws.network.azCount = 1;
    });
    expect(check).toThrow(/- accountId: "1" is not an AWS account id[\s\S]*- network\.azCount: 1 is too few/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Valid configurations
// ---------------------------------------------------------------------------------------------------------------

describe("loadEnvironments on the real environments/", () => {
  const env = () => loadEnvironments(ENVIRONMENTS_DIR, PROJECT_ROOT);

  test("resolves the project defaults", () => {
    const { project } = env();
    expect(project.file).toBe("environments/bootstrap.ts");
    expect(project.project).toBe("acme");
    expect(project.stateBucketName).toBe("acme-tfstate-111111111111");
    expect(project.lockTableName).toBe("acme-tfstate-lock");
    expect(project.stateAccessPrincipals).toEqual(["arn:aws:iam::111111111111:root"]);
  });

  test("finds the dev and prod workspaces", () => {
    expect(env().workspaces.map((w) => [w.name, w.file])).toEqual([
      ["dev", "environments/dev.ts"],
      ["prod", "environments/prod.ts"],
    ]);
  });

  test("resolves dev's name prefix, state key and two availability zones", () => {
    const dev = env().workspaces.find((w) => w.name === "dev")!;
    expect(dev.namePrefix).toBe("acme-dev");
    expect(dev.stateKey).toBe("workspaces/dev/terraform.tfstate");
    expect(dev.network.availabilityZones).toEqual(["us-east-1a", "us-east-1b"]);
    expect(dev.network.subnets).toEqual({
      public: ["10.10.0.0/21", "10.10.8.0/21"],
      app: ["10.10.64.0/21", "10.10.72.0/21"],
      database: ["10.10.128.0/21", "10.10.136.0/21"],
    });
  });

  test("resolves prod's three availability zones", () => {
    const prod = env().workspaces.find((w) => w.name === "prod")!;
    expect(prod.namePrefix).toBe("acme-prod");
    expect(prod.stateKey).toBe("workspaces/prod/terraform.tfstate");
    expect(prod.network.availabilityZones).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(prod.network.subnets.app).toEqual(["10.20.64.0/21", "10.20.72.0/21", "10.20.80.0/21"]);
  });
});

describe("validateWorkspace accepts", () => {
  test("explicit availability zones, used in the order given", () => {
    const dev = devInput();
    delete dev.network.azCount;
    dev.network.availabilityZones = ["us-east-1c", "us-east-1a"];
    const ws = workspaceConfig(dev, DEV_FILE);
    expect(ws.network.availabilityZones).toEqual(["us-east-1c", "us-east-1a"]);
    expect(ws.network.subnets.public).toEqual(["10.10.0.0/21", "10.10.8.0/21"]);
  });

  test("explicit subnets, used as given", () => {
    const dev = devInput();
    dev.network.subnets = structuredClone(EXPLICIT_SUBNETS);
    expect(workspaceConfig(dev, DEV_FILE).network.subnets).toEqual(EXPLICIT_SUBNETS);
  });
});

describe("adding a workspace", () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "environments-"));
    fs.cpSync(ENVIRONMENTS_DIR, path.join(root, "environments"), { recursive: true });
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("is one more file in environments/", () => {
    const configModule = path.join(PROJECT_ROOT, "src", "config");
    fs.writeFileSync(
      path.join(root, "environments", "staging.ts"),
      [
        `import type { WorkspaceInput } from ${JSON.stringify(configModule)};`,
        ``,
        `const staging: WorkspaceInput = {`,
        `  name: "staging",`,
        `  accountId: "444444444444",`,
        `  region: "eu-west-1",`,
        `  deployRoleName: "terraform-deploy",`,
        `  network: { cidr: "10.30.0.0/16", azCount: 3 },`,
        `};`,
        ``,
        `export default staging;`,
        ``,
      ].join("\n"),
    );

    const { workspaces } = loadEnvironments(path.join(root, "environments"), root);

    expect(workspaces.map((w) => w.name)).toEqual(["dev", "prod", "staging"]);
    const staging = workspaces.find((w) => w.name === "staging")!;
    expect(staging.file).toBe("environments/staging.ts");
    expect(staging.namePrefix).toBe("acme-staging");
    expect(staging.stateKey).toBe("workspaces/staging/terraform.tfstate");
    expect(staging.network.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  });
});
