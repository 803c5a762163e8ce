// AWS's naming and syntax rules for what an environment file names (src/config/aws-syntax.ts and the schema fields
// that use it): each wrong value is refused with the file, the field, the value, the rule and what would be valid.
import { bucketNameProblem, dnsNameProblem, iamActionProblem, resourceArnProblem } from "../../src/config";
import { BOOTSTRAP_FILE, configIssue, DEV_FILE, validateChanged, validateChangedProject } from "../../test/fixtures";

const dev = (change: Parameters<typeof validateChanged>[1]) => validateChanged("dev", change);
const prod = (change: Parameters<typeof validateChanged>[1]) => validateChanged("prod", change);
const devIssue = (field: string, message: RegExp) => configIssue(DEV_FILE, field, message);

// ---------------------------------------------------------------------------------------------------------------
// DNS names
// ---------------------------------------------------------------------------------------------------------------

describe("dns.zoneName", () => {
  test.each([
    [
      "Dev.Acme.Example.com",
      /"Dev\.Acme\.Example\.com" has upper-case letters; DNS names are written in lower case here: "dev\.acme\.example\.com"$/,
    ],
    [
      "dev.acme.example.com.",
      /"dev\.acme\.example\.com\." ends with a dot; write it without, e.g. "dev\.acme\.example\.com"$/,
    ],
    [
      "dev..example.com",
      /"dev\.\.example\.com" has an empty label \(two dots in a row, or a leading dot\); expected lower-case labels/,
    ],
    ["-dev.example.com", /"-dev\.example\.com" has a label that starts or ends with a hyphen \("-dev"\)/],
    [
      "dev_env.example.com",
      /"dev_env\.example\.com" contains "_", which a DNS name cannot hold; expected lower-case labels of letters, digits and hyphens separated by dots, e\.g\. "dev\.example\.com"$/,
    ],
    ["*.example.com", /"\*\.example\.com" has a wildcard; a zone is a plain name/],
    ["localhost", /"localhost" has a single label/],
    ["10.0.0.1", /"10\.0\.0\.1" ends in a label that does not start with a letter \(an address, not a name\)/],
  ])("refuses %s", (zone, message) => {
    expect(dev((ws) => (ws.dns.zoneName = zone))).toThrow(devIssue("dns.zoneName", message));
  });

  test("refuses a label longer than 63 characters", () => {
    const zone = `${"a".repeat(64)}.example.com`;
    expect(dev((ws) => (ws.dns.zoneName = zone))).toThrow(
      devIssue("dns.zoneName", /.*has a label of 64 characters \("aaaaaaaaaaaa"\.\.\.\); each label holds at most 63$/),
    );
  });

  test("refuses a name longer than 253 characters", () => {
    const zone = `${Array.from({ length: 5 }, () => "b".repeat(60)).join(".")}.com`;
    expect(dev((ws) => (ws.dns.zoneName = zone))).toThrow(
      devIssue("dns.zoneName", /.*is 308 characters long; a DNS name holds at most 253$/),
    );
  });

  test("accepts a punycode label and digits inside labels", () => {
    expect(dnsNameProblem("xn--bcher-kva.example", "zone")).toBeUndefined();
    expect(dnsNameProblem("team-42.example.com", "zone")).toBeUndefined();
  });
});

describe("services[].hosts", () => {
  test("a wildcard as the first label is accepted (Route 53, ACM and listener rules take it there)", () => {
    expect(dev((ws) => (ws.services[0].hosts = ["*.dev.acme.example.com"]))().services[0].hosts).toEqual([
      "*.dev.acme.example.com",
    ]);
  });

  test("a wildcard below the first label is refused", () => {
    expect(dev((ws) => (ws.services[0].hosts = ["app.*.dev.acme.example.com"]))).toThrow(
      devIssue(
        "services[0].hosts[0]",
        /.*has "\*" below the first label; a wildcard can only be the whole first label/,
      ),
    );
  });

  test("a wildcard inside a label is refused", () => {
    expect(dev((ws) => (ws.services[0].hosts = ["app-*.dev.acme.example.com"]))).toThrow(
      devIssue("services[0].hosts[0]", /.*contains "\*" inside a label, which a DNS name cannot hold/),
    );
  });

  test("upper case is refused with the lower-case spelling", () => {
    expect(dev((ws) => (ws.services[0].hosts = ["App.dev.acme.example.com"]))).toThrow(
      devIssue(
        "services[0].hosts[0]",
        /.*has upper-case letters; DNS names are written in lower case here: "app\.dev\.acme\.example\.com"$/,
      ),
    );
  });

  test("a host longer than a listener rule's 128 characters is refused", () => {
    const host = `${"x".repeat(60)}.${"y".repeat(60)}.dev.acme.example.com`;
    expect(dev((ws) => (ws.services[0].hosts = [host]))).toThrow(
      devIssue("services[0].hosts[0]", /.*is 142 characters long; a listener rule's host condition holds at most 128$/),
    );
  });

  test("a URL instead of a host name is refused", () => {
    expect(dev((ws) => (ws.services[0].hosts = ["https://app.dev.acme.example.com"]))).toThrow(
      devIssue("services[0].hosts[0]", /.*contains ":", "\/", which a DNS name cannot hold/),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Listener paths and health checks
// ---------------------------------------------------------------------------------------------------------------

describe("services[].paths", () => {
  test.each([
    [
      "/api/{id}",
      /"\/api\/\{id\}" contains "\{", "\}", which a path pattern cannot hold; expected A-Z a-z 0-9 _ - \. \$ \/ ~ " ' @ : \+ & and the wildcards \* and \?, e\.g\. "\/api\/\*"$/,
    ],
    ["/api v2/*", /"\/api v2\/\*" contains a space, which a path pattern cannot hold/],
    ["/caf\u00e9/*", /.*contains "\u00e9", which a path pattern cannot hold/],
    ["/search#results", /.*contains "#", which a path pattern cannot hold/],
  ])("refuses %s", (pattern, message) => {
    expect(dev((ws) => (ws.services[1].paths = [pattern]))).toThrow(devIssue("services[1].paths[0]", message));
  });

  test("refuses a pattern longer than 128 characters", () => {
    expect(dev((ws) => (ws.services[1].paths = [`/${"a".repeat(128)}`]))).toThrow(
      devIssue("services[1].paths[0]", /.*is 129 characters long; a path pattern holds at most 128$/),
    );
  });

  test("accepts every character AWS lists, with both wildcards", () => {
    expect(dev((ws) => (ws.services[1].paths = [`/a-Z_0.9$~"'@:+&/*/?`]))().services[1].paths).toEqual([
      `/a-Z_0.9$~"'@:+&/*/?`,
    ]);
  });
});

describe("services[].healthCheck", () => {
  test("a path with a space is refused", () => {
    expect(dev((ws) => (ws.services[0].healthCheck.path = "/health check"))).toThrow(
      devIssue(
        "services[0].healthCheck.path",
        /"\/health check" contains a space, which a URL path cannot hold unencoded/,
      ),
    );
  });

  test("a path longer than 1024 characters is refused", () => {
    expect(dev((ws) => (ws.services[0].healthCheck.path = `/${"h".repeat(1024)}`))).toThrow(
      devIssue("services[0].healthCheck.path", /.*is 1025 characters long; a health check path holds at most 1024$/),
    );
  });

  test("a path with a query string is accepted", () => {
    expect(dev((ws) => (ws.services[0].healthCheck.path = "/health?deep=1"))().services[0].healthCheck.path).toBe(
      "/health?deep=1",
    );
  });

  test.each([
    ["200-600", /"200-600" is not a range the load balancer accepts; expected HTTP codes from 200 to 499/],
    ["399-200", /"399-200" is not a range the load balancer accepts/],
    [
      "2xx",
      /"2xx" is not a health check matcher; expected HTTP codes from 200 to 499 as one code \("200"\), a list \("200,204"\) or a range \("200-399"\)$/,
    ],
    ["100", /"100" is not a health check matcher/],
    ["200, 204", /"200, 204" is not a health check matcher/],
  ])("matcher %s is refused", (matcher, message) => {
    expect(dev((ws) => (ws.services[0].healthCheck.matcher = matcher))).toThrow(
      devIssue("services[0].healthCheck.matcher", message),
    );
  });

  test.each(["200", "200,204,301", "200-499"])("matcher %s is accepted", (matcher) => {
    expect(dev((ws) => (ws.services[0].healthCheck.matcher = matcher))().services[0].healthCheck.matcher).toBe(matcher);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// S3 bucket names (bootstrap.ts)
// ---------------------------------------------------------------------------------------------------------------

describe("stateBucket.name", () => {
  const bucketIssue = (message: RegExp) => configIssue(BOOTSTRAP_FILE, "stateBucket.name", message);

  test.each([
    [
      "ab",
      /"ab" is 2 characters long; expected 3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit, e\.g\. "acme-tfstate-111111111111"$/,
    ],
    ["Acme-State", /"Acme-State" has upper-case letters; expected 3-63/],
    ["acme_state", /"acme_state" contains "_", which a bucket name cannot hold/],
    ["-acme-state", /"-acme-state" must start and end with a letter or digit/],
    ["192.168.1.1", /"192\.168\.1\.1" is shaped like an IP address/],
    ["acme..state", /"acme\.\.state" has two dots in a row/],
    ["xn--acme-state", /"xn--acme-state" starts with "xn--", which AWS reserves/],
    ["sthree-acme", /.*starts with "sthree-", which AWS reserves/],
    ["acme-state-s3alias", /"acme-state-s3alias" ends with "-s3alias", which AWS reserves/],
    ["acme-state--ol-s3", /.*ends with "--ol-s3", which AWS reserves/],
    ["acme.state", /"acme\.state" has dots, which break HTTPS access to the bucket/],
  ])("refuses %s", (name, message) => {
    expect(validateChangedProject((p) => (p.stateBucket.name = name))).toThrow(bucketIssue(message));
  });

  test("refuses a name longer than 63 characters", () => {
    expect(validateChangedProject((p) => (p.stateBucket.name = "a".repeat(64)))).toThrow(
      bucketIssue(/.*is 64 characters long/),
    );
  });

  test("accepts the default naming scheme and a plain name", () => {
    expect(validateChangedProject(() => {})().stateBucketName).toBe("acme-tfstate-111111111111");
    expect(bucketNameProblem("acme-terraform-state-2026")).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// IAM statements in taskPolicy
// ---------------------------------------------------------------------------------------------------------------

describe("services[].taskPolicy", () => {
  const policy = (actions: string[], resources: string[]) => (ws: Parameters<Parameters<typeof dev>[0]>[0]) =>
    (ws.services[1].taskPolicy = [{ actions, resources }]);

  test.each([
    [
      "s3GetObject",
      /"s3GetObject" is not an IAM action; expected "service:Action" such as "s3:GetObject" \(wildcards only in the action part, e\.g\. "s3:Get\*"\)$/,
    ],
    ["*:GetObject", /"\*:GetObject" has a wildcard in the service prefix/],
    [
      "S3:GetObject",
      /"S3" is not a service prefix \(lower-case letters, digits and hyphens, e\.g\. "s3", "execute-api"\)/,
    ],
    ["s3:Get-Object", /"s3:Get-Object" has an action name IAM does not accept/],
    ["s3:GetObject:extra", /"s3:GetObject:extra" is not an IAM action/],
  ])("refuses the action %s", (action, message) => {
    expect(dev(policy([action], ["arn:aws:s3:::uploads/*"]))).toThrow(
      devIssue("services[1].taskPolicy[0].actions[0]", message),
    );
  });

  test.each([
    [
      "uploads/*",
      /"uploads\/\*" is not an ARN; expected "\*" or an ARN "arn:aws:<service>:<region>:<account>:<resource>", e\.g\. "arn:aws:s3:::uploads\/\*"$/,
    ],
    ["arn:aws-cn:s3:::uploads/*", /.*is in partition "aws-cn", but us-east-1 is in "aws"/],
    [
      "arn:aws:sqs:us-east-9:222222222222:jobs",
      /.*names region "us-east-9", which is not a known AWS region; expected a region such as us-east-1, "\*" or nothing$/,
    ],
    ["arn:aws:sqs:us-east-1:2222:jobs", /.*names account "2222"; expected 12 digits, "\*" or nothing$/],
    ["arn:aws:sqs:us-east-1:222222222222:", /.*names no resource after the account/],
    ["arn:aws:SQS:us-east-1:222222222222:jobs", /.*has no valid service \("SQS"\)/],
  ])("refuses the resource %s", (resource, message) => {
    expect(dev(policy(["sqs:SendMessage"], [resource]))).toThrow(
      devIssue("services[1].taskPolicy[0].resources[0]", message),
    );
  });

  test("refuses sts:AssumeRole on every resource", () => {
    expect(dev(policy(["sts:AssumeRole"], ["*"]))).toThrow(
      devIssue("services[1].taskPolicy[0].resources", /sts:AssumeRole on "\*" lets the application take any role/),
    );
  });

  test("accepts partial wildcards, region and account wildcards, and the aws account of managed resources", () => {
    expect(iamActionProblem("s3:Get*")).toBeUndefined();
    expect(iamActionProblem("execute-api:Invoke")).toBeUndefined();
    expect(resourceArnProblem("arn:aws:sqs:*:222222222222:jobs-*", "us-east-1")).toBeUndefined();
    expect(resourceArnProblem("arn:aws:iam::aws:policy/ReadOnlyAccess", "us-east-1")).toBeUndefined();
    expect(resourceArnProblem("arn:aws:logs:us-east-1:222222222222:log-group:/app:*", "us-east-1")).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------------------------

describe("tags", () => {
  test.each([
    [
      "aws:cost-center",
      /tag key "aws:cost-center" starts with "aws:", which AWS reserves for its own tags; choose another key$/,
    ],
    ["AWS:Team", /tag key "AWS:Team" starts with "aws:"/],
    [
      "Team#1",
      /tag key "Team#1" has characters AWS does not accept in tags; expected letters, digits, spaces and _ \. : \/ = \+ - @$/,
    ],
    [
      "Environment",
      /tag key "Environment" is set by the stacks themselves \(Project, Environment, ManagedBy, Name, Tier\), so this value would be lost/,
    ],
    ["name", /tag key "name" is set by the stacks themselves/],
  ])("refuses the key %s", (key, message) => {
    expect(dev((ws) => (ws.tags = { [key]: "x" }))).toThrow(
      devIssue(/^[A-Za-z_]\w*$/.test(key) ? `tags.${key}` : `tags[${JSON.stringify(key)}]`, message),
    );
  });

  test("refuses keys that differ only in case", () => {
    expect(dev((ws) => (ws.tags = { Team: "a", team: "b" }))).toThrow(
      devIssue(
        "tags.team",
        /tag key "team" differs from "Team" only in case, which IAM treats as the same key; keep one$/,
      ),
    );
  });

  test("refuses a value with characters AWS does not accept and one longer than 256", () => {
    expect(dev((ws) => (ws.tags = { Owner: "ops <ops@example.com>" }))).toThrow(
      devIssue("tags.Owner", /"ops <ops@example\.com>" has characters AWS does not accept in tag values/),
    );
    expect(dev((ws) => (ws.tags = { Owner: "o".repeat(257) }))).toThrow(
      devIssue("tags.Owner", /the value is 257 characters long; tag values hold at most 256$/),
    );
  });

  test("refuses more tags than a resource can carry next to the stacks' own", () => {
    const many = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`Key${i}`, "v"]));
    expect(dev((ws) => (ws.tags = many))).toThrow(
      devIssue(
        "tags",
        /46 tags, and the stacks add 5 \(Project, Environment, ManagedBy, Name, Tier\): a resource carries at most 50; expected at most 45 here$/,
      ),
    );
  });

  test("applies to bootstrap.ts too", () => {
    expect(validateChangedProject((p) => (p.tags = { "aws:owner": "x" }))).toThrow(
      configIssue(BOOTSTRAP_FILE, 'tags["aws:owner"]', /.*starts with "aws:", which AWS reserves/),
    );
  });

  test("accepts letters of any script, spaces and the allowed punctuation", () => {
    const tags = { "Cost Center": "RnD 42", Équipe: "plateforme", "team:owner": "a.b/c=d+e-f@g_h" };
    expect(dev((ws) => (ws.tags = tags))().tags).toEqual(tags);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Database names and windows
// ---------------------------------------------------------------------------------------------------------------

describe("database names", () => {
  test.each([
    [
      "postgres",
      "postgres",
      /"postgres" is the maintenance database every PostgreSQL instance already has; give the application its own, e\.g\. "app"$/,
    ],
    ["postgres", "template1", /"template1" is a PostgreSQL template database/],
    [
      "postgres",
      "select",
      /"select" is a word postgres reserves; expected a letter followed by at most 62 letters, digits or underscores/,
    ],
    [
      "postgres",
      "1app",
      /"1app" is not a postgres database name RDS accepts; expected a letter followed by at most 62/,
    ],
    ["mysql", "mysql", /"mysql" is MySQL's system schema; give the application its own/],
    ["mysql", "information_schema", /"information_schema" is MySQL's system schema/],
    ["mysql", "my-app", /"my-app" is not a mysql database name RDS accepts; expected a letter followed by at most 63/],
  ])("%s refuses databaseName %s", (engine, name, message) => {
    const check = dev((ws) => {
      ws.database.engine = engine;
      ws.database.engineVersion = engine === "mysql" ? "8.4" : "16";
      ws.database.databaseName = name;
    });
    expect(check).toThrow(devIssue("database.databaseName", message));
  });

  test("databaseName length follows the engine: 64 on mysql, 63 on postgres", () => {
    const name = `a${"b".repeat(63)}`;
    expect(dev((ws) => (ws.database.databaseName = name))).toThrow(devIssue("database.databaseName", /.*RDS accepts/));
    const mysql = dev((ws) => {
      ws.database.engine = "mysql";
      ws.database.engineVersion = "8.4";
      ws.database.databaseName = name;
    });
    expect(mysql().database!.databaseName).toBe(name);
  });

  test.each([
    ["postgres", "admin", /"admin" is reserved by RDS for PostgreSQL; expected a letter followed by at most 62/],
    ["postgres", "rdsadmin", /"rdsadmin" is the user RDS manages the instance with/],
    ["postgres", "pg_app", /"pg_app" starts with "pg_", which PostgreSQL reserves for its own roles/],
    ["postgres", "user", /"user" is a word postgres reserves/],
    ["mysql", "rdsadmin", /"rdsadmin" is the user RDS manages the instance with/],
    [
      "mysql",
      "a".repeat(33),
      /.*is not a mysql master user name RDS accepts; expected a letter followed by at most 31/,
    ],
  ])("%s refuses masterUsername %s", (engine, name, message) => {
    const check = dev((ws) => {
      ws.database.engine = engine;
      ws.database.engineVersion = engine === "mysql" ? "8.4" : "16";
      ws.database.masterUsername = name;
    });
    expect(check).toThrow(devIssue("database.masterUsername", message));
  });

  test("a postgres master user longer than 16 characters, which RDS accepts, is accepted", () => {
    expect(dev((ws) => (ws.database.masterUsername = "application_admin"))().database!.masterUsername).toBe(
      "application_admin",
    );
  });

  test('"admin" is accepted on mysql, where RDS does not reserve it', () => {
    const check = dev((ws) => {
      ws.database.engine = "mysql";
      ws.database.engineVersion = "8.4";
      ws.database.masterUsername = "admin";
    });
    expect(check().database!.masterUsername).toBe("admin");
  });
});

describe("database windows", () => {
  test.each([
    [
      "backupWindow",
      "03:00-03:15",
      /"03:00-03:15" lasts 15 minutes; RDS needs a window of at least 30, e\.g\. "03:00-04:00"$/,
    ],
    ["backupWindow", "03:00-03:00", /"03:00-03:00" lasts 0 minutes/],
    [
      "maintenanceWindow",
      "sun:04:30-sun:04:45",
      /"sun:04:30-sun:04:45" lasts 15 minutes; RDS needs a window of at least 30, e\.g\. "sun:04:30-sun:05:30"$/,
    ],
    [
      "maintenanceWindow",
      "sun:04:30-tue:04:30",
      /"sun:04:30-tue:04:30" lasts 48 hours; expected a window of at most 24 hours/,
    ],
  ])("%s %s is refused", (field, window, message) => {
    expect(dev((ws) => (ws.database[field] = window))).toThrow(devIssue(`database.${field}`, message));
  });

  test("a maintenance window that overlaps the daily backups is refused", () => {
    expect(dev((ws) => (ws.database.maintenanceWindow = "wed:03:30-wed:04:30"))).toThrow(
      devIssue(
        "database.maintenanceWindow",
        /"wed:03:30-wed:04:30" overlaps the daily backup window "03:00-04:00", which RDS refuses; move one of them/,
      ),
    );
  });

  test("windows that wrap past midnight and past Sunday are measured across the wrap", () => {
    const check = dev((ws) => {
      ws.database.backupWindow = "23:30-00:30";
      ws.database.maintenanceWindow = "sun:23:45-mon:00:45";
    });
    expect(check).toThrow(devIssue("database.maintenanceWindow", /.*overlaps the daily backup window "23:30-00:30"/));
    const apart = dev((ws) => {
      ws.database.backupWindow = "23:30-00:30";
      ws.database.maintenanceWindow = "sun:01:00-sun:02:00";
    });
    expect(apart().database!.backupWindow).toBe("23:30-00:30");
  });

  test("prod's defaults are accepted", () => {
    expect(prod(() => {})().database!.maintenanceWindow).toBe("sun:04:30-sun:05:30");
  });
});

test("several syntax problems in one file are reported together", () => {
  const check = dev((ws) => {
    ws.dns.zoneName = "Dev.Example.com";
    ws.services[1].paths = ["/api/{id}"];
    ws.tags = { "aws:x": "y" };
  });
  expect(check).toThrow(/- tags\["aws:x"\]: [\s\S]*- dns\.zoneName: [\s\S]*- services\[1\]\.paths\[0\]: /);
});
