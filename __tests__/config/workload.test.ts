// What validateWorkspace says about services, secrets, the database and the cluster (src/config/workload.ts and the
// schema fields behind them). Each bad-input test changes one thing in a copy of a real environment file and checks
// that the error names the file, the field and what would be valid.
import { ConfigError } from "../../src/config";
import {
  configIssue,
  DEV_FILE,
  devInput,
  PROD_FILE,
  prodInput,
  validateChanged,
  workspaceConfig,
} from "../../test/fixtures";

const dev = (change: Parameters<typeof validateChanged>[1]) => validateChanged("dev", change);
const prod = (change: Parameters<typeof validateChanged>[1]) => validateChanged("prod", change);
const devIssue = (field: string, message: RegExp) => configIssue(DEV_FILE, field, message);
const prodIssue = (field: string, message: RegExp) => configIssue(PROD_FILE, field, message);

/** The issues of the ConfigError `check` throws. */
function issuesOf(check: () => unknown): { field: string; message: string }[] {
  try {
    check();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

const LITERAL_SECRET =
  /looks like a literal secret value; declare it under secrets \(filled by `npm run secrets`\) and reference it/;

// ---------------------------------------------------------------------------------------------------------------
// services
// ---------------------------------------------------------------------------------------------------------------

describe("validateWorkspace rejects services", () => {
  test("two services with the same name", () => {
    expect(dev((ws) => (ws.services[1].name = "web"))).toThrow(
      devIssue("services[1].name", /"web" is already the name of services\[0\]; service names must be unique$/),
    );
  });

  test("two public services on the same host with no paths", () => {
    expect(dev((ws) => (ws.services[1].paths = []))).toThrow(
      devIssue(
        "services[1].hosts",
        /answers on the same host and path as services\[0\] \(web\); give the services different host names or path patterns$/,
      ),
    );
  });

  test("two public services on the same host with the same paths", () => {
    expect(dev((ws) => (ws.services[0].paths = ["/api/*"]))).toThrow(
      devIssue(
        "services[1].hosts",
        /answers on the same host and path as services\[0\] \(web\); give the services different/,
      ),
    );
  });

  test("a duplicate listener priority", () => {
    expect(dev((ws) => (ws.services[0].priority = 10))).toThrow(
      devIssue(
        "services[1].priority",
        /10 is already the listener priority of services\[0\]; priorities must be unique$/,
      ),
    );
  });

  test("a memory size Fargate does not offer with the CPU (256 CPU, 4096 MiB), listing the valid sizes", () => {
    expect(dev((ws) => (ws.services[0].memory = 4096))).toThrow(
      devIssue(
        "services[0].memory",
        /4096 MiB is not offered by Fargate with 256 CPU units; expected one of 512, 1024, 2048$/,
      ),
    );
  });

  test("a CPU value that is not a Fargate size (300), listing the valid ones", () => {
    expect(dev((ws) => (ws.services[1].cpu = 300))).toThrow(
      devIssue(
        "services[1].cpu",
        /300 CPU units is not a Fargate size; expected one of 256, 512, 1024, 2048, 4096, 8192, 16384$/,
      ),
    );
  });

  test("a desired count above the autoscaling range", () => {
    expect(dev((ws) => (ws.services[0].desiredCount = 3))).toThrow(
      devIssue("services[0].desiredCount", /3 is outside the autoscaling range 1-2; expected a count within it$/),
    );
  });

  test("a desired count below the autoscaling range", () => {
    expect(dev((ws) => (ws.services[1].desiredCount = 0))).toThrow(
      devIssue("services[1].desiredCount", /0 is outside the autoscaling range 1-3; expected a count within it$/),
    );
  });

  test("autoscaling min above max", () => {
    expect(dev((ws) => (ws.services[1].autoscaling = { min: 4, max: 3 }))).toThrow(
      devIssue("services[1].autoscaling.min", /4 is above autoscaling\.max \(3\); expected min <= max$/),
    );
  });

  test("a health check path without a leading slash", () => {
    expect(dev((ws) => (ws.services[0].healthCheck.path = "health"))).toThrow(
      devIssue("services[0].healthCheck.path", /"health" must start with "\/", e\.g\. "\/health"$/),
    );
  });

  test("a path pattern without a leading slash", () => {
    expect(dev((ws) => (ws.services[1].paths = ["/v1/*", "api/*"]))).toThrow(
      devIssue("services[1].paths[1]", /"api\/\*" must start with "\/", e\.g\. "\/api\/\*"$/),
    );
  });

  test("a host name outside the workspace's DNS zone", () => {
    expect(dev((ws) => (ws.services[0].hosts = ["app.example.org"]))).toThrow(
      devIssue(
        "services[0].hosts[0]",
        /"app\.example\.org" is outside the workspace's DNS zone dev\.acme\.example\.com; expected dev\.acme\.example\.com or a name ending in \.dev\.acme\.example\.com$/,
      ),
    );
  });

  test("a host name that only ends with the zone's text, not in the zone (appdev.acme.example.com)", () => {
    expect(dev((ws) => (ws.services[0].hosts = ["appdev.acme.example.com"]))).toThrow(
      devIssue(
        "services[0].hosts[0]",
        /"appdev\.acme\.example\.com" is outside the workspace's DNS zone dev\.acme\.example\.com/,
      ),
    );
  });

  // The certificate the stack requests covers the zone and *.<zone> only (src/constructs/load-balancer.ts), so a
  // host two labels below the zone would be served with a certificate that does not match it.
  test("a host two labels below the zone when the stack issues the certificate (it covers only *.<zone>)", () => {
    expect(dev((ws) => (ws.services[0].hosts = ["v2.app.dev.acme.example.com"]))).toThrow(
      devIssue("services[0].hosts[0]", /.*v2\.app\.dev\.acme\.example\.com.*(certificate|\*\.dev\.acme\.example\.com)/),
    );
  });

  test("a public service with neither hosts nor paths", () => {
    expect(dev((ws) => (ws.services[0].hosts = []))).toThrow(
      devIssue("services[0].hosts", /a public service needs at least one host name or path pattern to answer on$/),
    );
  });

  test("a public service in a workspace without dns", () => {
    expect(dev((ws) => delete ws.dns)).toThrow(
      devIssue(
        "services[0].public",
        /a public service needs dns\.zoneName \(its HTTPS certificate and host names live there\); add dns or set public: false$/,
      ),
    );
  });

  test("an internal service with hosts or paths, which would be ignored", () => {
    expect(dev((ws) => (ws.services[0].public = false))).toThrow(
      devIssue(
        "services[0].hosts",
        /an internal service \(public: false\) receives no traffic, so hosts and paths would be ignored; remove them or set public: true$/,
      ),
    );
  });

  test('capacity "ec2" without cluster.ec2', () => {
    expect(dev((ws) => (ws.services[0].capacity = "ec2"))).toThrow(
      devIssue("services[0].capacity", /"ec2" needs EC2 capacity in the cluster; add cluster\.ec2 or use "fargate"$/),
    );
  });

  test("a target group name longer than 32 characters (long namePrefix + service name)", () => {
    const check = dev((ws) => {
      ws.namePrefix = "acme-development-sandbox"; // 24 characters, the longest allowed
      ws.services[1].name = "api-gateway";
      ws.secrets[1].readers = ["api-gateway"];
    });
    expect(check).toThrow(
      devIssue(
        "services[1].name",
        /"acme-development-sandbox-api-gateway-8080" \(the target group name: prefix, service, port\) is longer than the 32 characters AWS allows; shorten the service name or namePrefix$/,
      ),
    );
  });

  test("an unknown field in a service, listing the valid ones", () => {
    expect(dev((ws) => (ws.services[0].memoryMb = 512))).toThrow(
      devIssue(
        "services[0].memoryMb",
        /unknown field; valid fields here: name, port, cpu, memory, desiredCount, autoscaling,/,
      ),
    );
  });
});

describe("validateWorkspace rejects a secret given as a literal value", () => {
  test("in environment under a *_PASSWORD name", () => {
    expect(dev((ws) => (ws.services[0].environment.DATABASE_PASSWORD = "hunter2"))).toThrow(
      devIssue("services[0].environment.DATABASE_PASSWORD", LITERAL_SECRET),
    );
  });

  test("in parameters under a *_TOKEN name", () => {
    expect(dev((ws) => (ws.services[1].parameters.API_TOKEN = "abc"))).toThrow(
      devIssue("services[1].parameters.API_TOKEN", LITERAL_SECRET),
    );
  });

  test("in secrets, as a string instead of a reference", () => {
    expect(dev((ws) => (ws.services[1].secrets.STRIPE_API_KEY = "sk_live_123"))).toThrow(
      devIssue("services[1].secrets.STRIPE_API_KEY", LITERAL_SECRET),
    );
  });

  test("an AWS access key id in environment under an innocent name", () => {
    expect(dev((ws) => (ws.services[0].environment.UPSTREAM_ID = "AKIAIOSFODNN7EXAMPLE"))).toThrow(
      devIssue("services[0].environment.UPSTREAM_ID", LITERAL_SECRET),
    );
  });

  test("a postgres URL with a password in environment", () => {
    expect(
      dev((ws) => (ws.services[1].environment = { DATABASE_URL: "postgres://app:hunter2@db.internal:5432/app" })),
    ).toThrow(devIssue("services[1].environment.DATABASE_URL", LITERAL_SECRET));
  });

  test("a postgres URL with a password in a command", () => {
    expect(
      dev(
        (ws) =>
          (ws.services[1].migration.command = ["migrate", "--url", "postgres://app:hunter2@db.internal:5432/app"]),
      ),
    ).toThrow(devIssue("services[1].migration.command[2]", LITERAL_SECRET));
  });

  test("and reports only the literal secrets, before any other problem in the file", () => {
    const issues = issuesOf(
      dev((ws) => {
        ws.region = "mars";
        ws.services[0].environment.ADMIN_PASSWORD = "hunter2";
      }),
    );
    expect(issues.map((i) => i.field)).toEqual(["services[0].environment.ADMIN_PASSWORD"]);
  });
});

describe("validateWorkspace rejects a secret reference of the wrong shape", () => {
  // Under a name that does not look secret, the literal-secret check lets it through to the schema, whose union
  // error must still say what a reference looks like.
  test("a string where a reference object is expected, saying what a reference looks like", () => {
    expect(dev((ws) => (ws.services[1].secrets.STRIPE = "sk_live_123"))).toThrow(
      devIssue("services[1].secrets.STRIPE", /.*(\{ ?secret|secret:|parameter|databaseSecret)/),
    );
  });
});

describe("validateWorkspace does not flag as literal secrets", () => {
  test("references under *_PASSWORD and *_API_KEY names (the real dev file)", () => {
    const input = devInput();
    expect(input.services![1].secrets!.DATABASE_PASSWORD).toEqual({ databaseSecret: "password" });
    expect(input.services![1].secrets!.STRIPE_API_KEY).toEqual({ secret: "stripe-api-key" });
    expect(() => workspaceConfig(input, DEV_FILE)).not.toThrow();
  });

  test("a { secret } reference under a *_PASSWORD name", () => {
    expect(dev((ws) => (ws.services[0].secrets.ADMIN_PASSWORD = { secret: "web-session-key" }))).not.toThrow();
  });

  test("a postgres URL without a password", () => {
    expect(
      dev((ws) => (ws.services[1].environment = { DATABASE_URL: "postgres://db.internal:5432/app" })),
    ).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Secret and parameter references
// ---------------------------------------------------------------------------------------------------------------

describe("validateWorkspace rejects secret references", () => {
  test("to a secret that is not declared, listing the declared ones", () => {
    expect(dev((ws) => (ws.services[1].secrets.STRIPE_API_KEY = { secret: "stripe-key" }))).toThrow(
      devIssue(
        "services[1].secrets.STRIPE_API_KEY.secret",
        /"stripe-key" is not declared in secrets; expected one of web-session-key, stripe-api-key$/,
      ),
    );
  });

  test("to a declared secret whose readers do not include the service", () => {
    expect(dev((ws) => (ws.services[0].secrets.STRIPE_API_KEY = { secret: "stripe-api-key" }))).toThrow(
      devIssue(
        "services[0].secrets.STRIPE_API_KEY.secret",
        /secret "stripe-api-key" does not list "web" in its readers; add it there$/,
      ),
    );
  });

  test("a secret reader that is not a service, listing the services", () => {
    expect(dev((ws) => (ws.secrets[0].readers = ["worker"]))).toThrow(
      devIssue("secrets[0].readers[0]", /"worker" is not a service of this workspace; expected one of web, api$/),
    );
  });

  test("a secret reader that never references the secret", () => {
    expect(dev((ws) => ws.secrets[1].readers.push("web"))).toThrow(
      devIssue(
        "secrets[1].readers[1]",
        /"web" never references secret "stripe-api-key" in its secrets, so it must not be able to read it; remove it or add the reference$/,
      ),
    );
  });

  test("a databaseSecret reference in a workspace without a database", () => {
    const check = dev((ws) => {
      delete ws.database;
      const { DATABASE_USER, STRIPE_API_KEY } = ws.services[1].secrets;
      ws.services[1].secrets = { DATABASE_USER, STRIPE_API_KEY };
    });
    expect(check).toThrow(
      devIssue(
        "services[1].secrets.DATABASE_USER.databaseSecret",
        /there is no database in this workspace; add a database block or remove the reference$/,
      ),
    );
  });
});

describe("validateWorkspace rejects parameter references", () => {
  test("to a NAME the service does not declare, listing its parameters", () => {
    expect(dev((ws) => (ws.services[1].secrets.LOG_LEVEL = { parameter: "LOG_LVL" }))).toThrow(
      devIssue(
        "services[1].secrets.LOG_LEVEL.parameter",
        /"LOG_LVL" is not a parameter of api; expected one of LOG_LEVEL, or "<component>\/NAME"$/,
      ),
    );
  });

  test('"database/PASSWORD", which the database does not publish, listing what it does', () => {
    expect(dev((ws) => (ws.services[1].secrets.DATABASE_PASSWORD = { parameter: "database/PASSWORD" }))).toThrow(
      devIssue(
        "services[1].secrets.DATABASE_PASSWORD.parameter",
        /"PASSWORD" is not published for the database; expected one of HOST, PORT, NAME, ENGINE$/,
      ),
    );
  });

  test('"database/HOST" in a workspace without a database, saying what to do', () => {
    const check = dev((ws) => {
      delete ws.database;
      const { DATABASE_HOST, STRIPE_API_KEY } = ws.services[1].secrets;
      ws.services[1].secrets = { DATABASE_HOST, STRIPE_API_KEY };
    });
    expect(check).toThrow(
      devIssue(
        "services[1].secrets.DATABASE_HOST.parameter",
        /there is no database in this workspace.*(add database|remove the reference)/,
      ),
    );
  });

  test("to a component that is neither the database nor a service, listing the components", () => {
    expect(dev((ws) => (ws.services[1].secrets.BILLING_URL = { parameter: "billing/URL" }))).toThrow(
      devIssue(
        "services[1].secrets.BILLING_URL.parameter",
        /"billing" is neither "database" nor a service of this workspace.*expected .*database.*web.*api/,
      ),
    );
  });

  test("with more than one slash", () => {
    expect(dev((ws) => (ws.services[1].secrets.LOG_LEVEL = { parameter: "acme/dev/api/LOG_LEVEL" }))).toThrow(
      devIssue(
        "services[1].secrets.LOG_LEVEL.parameter",
        /"acme\/dev\/api\/LOG_LEVEL" is outside the path scheme; expected NAME or <component>\/NAME, e.g\. "database\/HOST"$/,
      ),
    );
  });
});

describe("validateWorkspace rejects parameter names", () => {
  test.each(["/acme/dev/x", "lower_case"])("%s, outside the path scheme", (name) => {
    const field = /^\w+$/.test(name)
      ? `services[1].parameters.${name}`
      : `services[1].parameters[${JSON.stringify(name)}]`;
    expect(dev((ws) => (ws.services[1].parameters = { [name]: "1" }))).toThrow(
      devIssue(
        field,
        /".*" is outside the parameter path scheme; give only the NAME \(upper-case letters, digits, underscores\), which is stored as \/<project>\/<workspace>\/<service>\/NAME$/,
      ),
    );
  });

  // The stack writes /<project>/<workspace>/<service>/IMAGE_TAG itself (src/stacks/workload.ts); a declared
  // parameter of that name would be a second SSM parameter with the same name.
  test("IMAGE_TAG, which the stack already publishes for every service", () => {
    expect(dev((ws) => (ws.services[0].parameters = { IMAGE_TAG: "v1" }))).toThrow(
      devIssue("services[0].parameters.IMAGE_TAG", /.*IMAGE_TAG/),
    );
  });
});

// Names the stack derives for other resources: a service of the same name would create the same resources twice.
describe("validateWorkspace rejects service names the stack uses itself", () => {
  test('"maintenance" when the maintenance task is enabled (same log group, roles and security group)', () => {
    expect(dev((ws) => ws.services.push({ name: "maintenance", port: 9000, public: false }))).toThrow(
      devIssue("services[2].name", /.*"maintenance".*maintenance task/),
    );
  });

  test('"database" declaring a parameter the database publishes (same SSM parameter /acme/dev/database/HOST)', () => {
    const check = dev((ws) =>
      ws.services.push({ name: "database", port: 9000, public: false, parameters: { HOST: "x" } }),
    );
    expect(check).toThrow(
      /environments\/dev\.ts is not a valid configuration:(\n {2}- .*)*\n {2}- services\[2\]\.(name|parameters\.HOST): .*database/,
    );
  });
});

describe("validateWorkspace rejects secrets", () => {
  test("two secrets with the same name, saying names must be unique", () => {
    expect(dev((ws) => ws.secrets.push({ ...ws.secrets[0] }))).toThrow(
      devIssue(
        "secrets[2].name",
        /"web-session-key" is already declared as secrets\[0\].*(unique|another name|its own)/,
      ),
    );
  });

  test("two provided secrets with the same envVar", () => {
    const check = dev((ws) =>
      ws.secrets.push({
        name: "stripe-webhook",
        description: "Stripe webhook signing secret",
        source: "provided",
        envVar: "SECRET_STRIPE_API_KEY",
      }),
    );
    expect(check).toThrow(
      devIssue(
        "secrets[2].envVar",
        /SECRET_STRIPE_API_KEY is already the variable of secrets\[1\]; each provided secret needs its own$/,
      ),
    );
  });

  test("a recovery window Secrets Manager does not accept (3 days)", () => {
    expect(dev((ws) => (ws.secrets[0].recoveryWindowDays = 3))).toThrow(
      devIssue(
        "secrets[0].recoveryWindowDays",
        /3 is not a recovery window Secrets Manager accepts; expected 0 or 7 to 30 days$/,
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// database
// ---------------------------------------------------------------------------------------------------------------

describe("validateWorkspace rejects the database setting", () => {
  test('an unsupported engine ("oracle")', () => {
    expect(dev((ws) => (ws.database.engine = "oracle"))).toThrow(
      devIssue("database.engine", /"oracle" is not allowed; expected one of "postgres", "mysql"$/),
    );
  });

  test('postgres engineVersion "12", listing the supported majors', () => {
    expect(dev((ws) => (ws.database.engineVersion = "12"))).toThrow(
      devIssue(
        "database.engineVersion",
        /"12" is not a supported postgres version; expected a major version 14, 15, 16, 17 \(optionally with a minor, e\.g\. "17\.8"\)$/,
      ),
    );
  });

  test('mysql engineVersion "5.7", listing the supported majors', () => {
    const check = dev((ws) => {
      ws.database.engine = "mysql";
      ws.database.engineVersion = "5.7";
    });
    expect(check).toThrow(
      devIssue(
        "database.engineVersion",
        /"5\.7" is not a supported mysql version; expected a major version 8\.0, 8\.4 /,
      ),
    );
  });

  test('a major version given as a prefix of a supported one ("1" is not "16")', () => {
    expect(dev((ws) => (ws.database.engineVersion = "1"))).toThrow(
      devIssue("database.engineVersion", /"1" is not a supported postgres version/),
    );
  });

  test('an instance class typo ("db.t4g.mirco"), suggesting the closest class', () => {
    expect(dev((ws) => (ws.database.instanceClass = "db.t4g.mirco"))).toThrow(
      devIssue(
        "database.instanceClass",
        /"db\.t4g\.mirco" is not a known RDS instance class; did you mean "db\.t4g\.micro"\? expected e\.g\. db\.t4g\.micro, .*\(full list in src\/config\/schema\.ts\)$/,
      ),
    );
  });

  test('an instance class far from any ("m5.large"), still saying what is valid', () => {
    const issues = issuesOf(dev((ws) => (ws.database.instanceClass = "m5.large")));
    expect(issues).toHaveLength(1);
    expect(issues[0].field).toBe("database.instanceClass");
    expect(issues[0].message).toMatch(
      /^"m5\.large" is not a known RDS instance class.*expected e\.g\. db\.t4g\.micro, db\.t4g\.medium, db\.m7g\.large, db\.r7g\.large/,
    );
    expect(issues[0].message).not.toMatch(/did you mean/);
  });

  test.each([0, 36])("backupRetentionDays %i, out of range", (days) => {
    expect(dev((ws) => (ws.database.backupRetentionDays = days))).toThrow(
      devIssue("database.backupRetentionDays", new RegExp(`${days} is out of range; expected 1 to 35 days$`)),
    );
  });

  test("maxAllocatedStorageGb below allocatedStorageGb", () => {
    const check = dev((ws) => {
      ws.database.allocatedStorageGb = 200;
      ws.database.maxAllocatedStorageGb = 100;
    });
    expect(check).toThrow(
      devIssue("database.maxAllocatedStorageGb", /100 is below allocatedStorageGb \(200\); expected at least that$/),
    );
  });

  test("deletionProtection false in a production workspace without a waiver, naming the waiver field", () => {
    expect(prod((ws) => (ws.database.deletionProtection = false))).toThrow(
      prodIssue(
        "database.deletionProtection",
        /a production database needs deletion protection; set it to true, or give database\.deletionProtectionWaiver with the reason$/,
      ),
    );
  });

  test("a deletionProtectionWaiver shorter than 10 characters", () => {
    const check = prod((ws) => {
      ws.database.deletionProtection = false;
      ws.database.deletionProtectionWaiver = "testing";
    });
    expect(check).toThrow(prodIssue("database.deletionProtectionWaiver", /give a reason of at least 10 characters$/));
  });

  test('backupWindow "3am"', () => {
    expect(dev((ws) => (ws.database.backupWindow = "3am"))).toThrow(
      devIssue("database.backupWindow", /must be "hh:mm-hh:mm" in UTC, e\.g\. "03:00-04:00"$/),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// cluster
// ---------------------------------------------------------------------------------------------------------------

describe("validateWorkspace rejects the cluster setting", () => {
  test("maintenanceTask.enabled without execEnabled", () => {
    expect(dev((ws) => (ws.cluster.execEnabled = false))).toThrow(
      devIssue(
        "cluster.maintenanceTask.enabled",
        /the maintenance task is reached through ECS Exec; set cluster\.execEnabled to true or disable the task$/,
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Valid configurations and their defaults
// ---------------------------------------------------------------------------------------------------------------

describe("validateWorkspace accepts", () => {
  test("services sharing a port, public and internal (each task has its own address)", () => {
    const check = dev((ws) => {
      ws.services[1].port = 3000;
      ws.services.push({ name: "worker", port: 3000, public: false });
    });
    expect(check().services.map((s) => s.port)).toEqual([3000, 3000, 3000]);
  });

  test("prod's database with production defaults", () => {
    const db = workspaceConfig(prodInput(), PROD_FILE).database!;
    expect(db).toMatchObject({
      multiAz: true,
      deletionProtection: true,
      backupRetentionDays: 14,
      finalSnapshot: true,
      performanceInsights: true,
      monitoringIntervalSeconds: 60,
      port: 5432,
      family: "postgres16",
      logExports: ["postgresql", "upgrade"],
    });
  });

  test("dev's database with the cheap defaults", () => {
    const db = workspaceConfig(devInput(), DEV_FILE).database!;
    expect(db).toMatchObject({
      multiAz: false,
      deletionProtection: false,
      backupRetentionDays: 1,
      finalSnapshot: false,
      performanceInsights: false,
      monitoringIntervalSeconds: 0,
      port: 5432,
      family: "postgres16",
      databaseName: "app",
      masterUsername: "app_admin",
    });
  });

  test('mysql "8.0", on port 3306 with family "mysql8.0"', () => {
    const db = dev((ws) => {
      ws.database.engine = "mysql";
      ws.database.engineVersion = "8.0";
    })().database!;
    expect(db).toMatchObject({ port: 3306, family: "mysql8.0", logExports: ["error", "slowquery"] });
  });

  test('a major.minor version RDS offers ("16.11"), with the major\'s family', () => {
    expect(dev((ws) => (ws.database.engineVersion = "16.11"))().database!.family).toBe("postgres16");
  });

  test("production defaults overridden explicitly", () => {
    const db = prod((ws) =>
      Object.assign(ws.database, { multiAz: false, backupRetentionDays: 35, monitoringIntervalSeconds: 0 }),
    )().database!;
    expect(db).toMatchObject({
      multiAz: false,
      backupRetentionDays: 35,
      monitoringIntervalSeconds: 0,
      deletionProtection: true,
    });
  });

  test("deletionProtection false in production with a waiver of 10 or more characters", () => {
    const db = prod((ws) => {
      ws.database.deletionProtection = false;
      ws.database.deletionProtectionWaiver = "disposable load-test copy";
    })().database!;
    expect(db.deletionProtection).toBe(false);
    expect(db.deletionProtectionWaiver).toBe("disposable load-test copy");
  });

  test("listener priorities from the file", () => {
    expect(workspaceConfig(devInput(), DEV_FILE).services.map((s) => [s.name, s.priority])).toEqual([
      ["web", 100],
      ["api", 10],
    ]);
  });

  test("listener priorities 10 * (position + 1) where the file gives none", () => {
    const services = dev((ws) => ws.services.forEach((s: { priority?: number }) => delete s.priority))().services;
    expect(services.map((s) => [s.name, s.priority])).toEqual([
      ["web", 10],
      ["api", 20],
    ]);
  });

  // Internal services get no listener rule, so their (default) priority cannot clash with a public service's.
  test("an internal worker first in the list, whose default priority equals a public service's", () => {
    const check = dev((ws) => ws.services.unshift({ name: "worker", port: 9000, public: false }));
    expect(check).not.toThrow();
  });

  // Only public services get a target group; an internal service's names (ECS service, roles, security group) allow
  // far more than 32 characters.
  test("an internal service whose <namePrefix>-<name> is longer than 32 characters", () => {
    const check = dev((ws) => {
      ws.namePrefix = "acme-development-sbx"; // public web-3000 and api-8080 groups still fit
      ws.services.push({ name: "background-jobs", port: 9000, public: false });
    });
    expect(check).not.toThrow();
  });

  test("a target group name of exactly 32 characters", () => {
    const check = dev((ws) => {
      ws.namePrefix = "acme-development-sbx"; // + "-router-8080" = 32
      ws.services[1].name = "router";
      ws.secrets[1].readers = ["router"];
    });
    expect(check().services[1].name).toBe("router");
  });

  test('capacity "ec2" when the cluster has EC2 capacity', () => {
    const check = dev((ws) => {
      ws.services[0].capacity = "ec2";
      ws.cluster.ec2 = {};
    });
    expect(check().services[0].capacity).toBe("ec2");
  });

  test("secrets with envVar SECRET_<NAME> by default", () => {
    expect(workspaceConfig(devInput(), DEV_FILE).secrets.map((s) => [s.name, s.envVar])).toEqual([
      ["web-session-key", "SECRET_WEB_SESSION_KEY"],
      ["stripe-api-key", "SECRET_STRIPE_API_KEY"],
    ]);
  });

  test("an explicit envVar", () => {
    expect(dev((ws) => (ws.secrets[1].envVar = "STRIPE_LIVE_KEY"))().secrets[1].envVar).toBe("STRIPE_LIVE_KEY");
  });

  test("loadBalancer.deletionProtection defaulting to production", () => {
    expect(workspaceConfig(devInput(), DEV_FILE).loadBalancer.deletionProtection).toBe(false);
    expect(workspaceConfig(prodInput(), PROD_FILE).loadBalancer.deletionProtection).toBe(true);
  });

  test("loadBalancer.deletionProtection set explicitly", () => {
    expect(prod((ws) => (ws.loadBalancer.deletionProtection = false))().loadBalancer.deletionProtection).toBe(false);
  });
});
