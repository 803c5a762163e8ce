// findLiteralSecrets (src/config/workload.ts): which strings in a raw environment file look like secrets, and under
// which field path they are reported.
import { findLiteralSecrets, looksLikeSecretName, looksLikeSecretValue } from "../../src/config";
import {
  BOOTSTRAP_FILE,
  configIssue,
  DEV_FILE,
  devInput,
  prodInput,
  validateChanged,
  validateChangedProject,
} from "../../test/fixtures";

const MESSAGE =
  "looks like a literal secret value; declare it under secrets (filled by `npm run secrets`) and reference it";
const fields = (raw: unknown) => findLiteralSecrets(raw).map((i) => i.field);

describe("findLiteralSecrets", () => {
  test("reports a secret-named string with the field path and the message", () => {
    expect(findLiteralSecrets({ environment: { DB_PASSWORD: "hunter2" } })).toEqual([
      { field: "environment.DB_PASSWORD", message: MESSAGE },
    ]);
  });

  test("reports the dotted and indexed path through nested arrays and objects", () => {
    const raw = { services: [{ name: "web" }, { name: "api", environment: { A: "1", API_TOKEN: "abc" } }] };
    expect(fields(raw)).toEqual(["services[1].environment.API_TOKEN"]);
  });

  // The doc comment promises "any string anywhere in the raw file"; array elements have no key, so only their value
  // can give them away.
  test("checks strings that are array elements, e.g. a database URL with a password in a command", () => {
    const raw = { services: [{ command: ["migrate", "--url", "postgres://app:hunter2@db:5432/app"] }] };
    expect(fields(raw)).toEqual(["services[0].command[2]"]);
  });

  test("checks strings in arrays of arrays, reporting each index", () => {
    expect(fields({ matrix: [["plain"], ["plain", "AKIAIOSFODNN7EXAMPLE"]] })).toEqual(["matrix[1][1]"]);
  });

  test("starts the path with the index when the input is an array", () => {
    expect(fields([{ x: 1 }, { SECRET: "s" }])).toEqual(["[1].SECRET"]);
  });

  test("reports every literal, in document order", () => {
    const raw = { a: { password: "p" }, b: [{ token: "t" }], c: { credentials: "c" } };
    expect(fields(raw)).toEqual(["a.password", "b[0].token", "c.credentials"]);
  });

  test.each([
    "DATABASE_PASSWORD",
    "db_passwd",
    "PASSWD",
    "pwdPassword",
    "CLIENT_SECRET",
    "GITHUB_TOKEN",
    "API_KEY",
    "apiKey",
    "api-key",
    "PRIVATE_KEY",
    "privateKey",
    "AWS_CREDENTIALS",
  ])("flags a string under the name %s", (name) => {
    expect(fields({ [name]: "x" })).toEqual([name]);
  });

  test.each(["NODE_ENV", "LOG_LEVEL", "API_BASE_PATH", "KEYBOARD_LAYOUT", "DATABASE_URL", "description"])(
    "does not flag an ordinary name %s",
    (name) => {
      expect(fields({ [name]: "x" })).toEqual([]);
    },
  );

  test("does not flag non-string values under secret-looking names (numbers, booleans, references)", () => {
    expect(
      fields({ PASSWORD_LENGTH: 32, ROTATE_TOKEN: true, API_KEY: { secret: "stripe-api-key" }, empty: null }),
    ).toEqual([]);
  });

  test("ignores the names under the reference keys secret, databaseSecret and envVar", () => {
    const raw = {
      secrets: {
        DATABASE_PASSWORD: { databaseSecret: "password" },
        STRIPE_API_KEY: { secret: "stripe-api-key-secret" },
      },
      envVar: "SECRET_STRIPE_API_KEY",
    };
    expect(fields(raw)).toEqual([]);
  });

  test("still checks the value under a reference key", () => {
    expect(fields({ secrets: { X: { secret: "AKIAIOSFODNN7EXAMPLE" } } })).toEqual(["secrets.X.secret"]);
  });

  test("does not treat a secret-looking JSON key inside a reference as a literal", () => {
    expect(fields({ secrets: { DB_PASS: { secret: "db-credentials", key: "password" } } })).toEqual([]);
  });

  test.each([
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg...",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...",
    "-----BEGIN EC PRIVATE KEY-----",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "-----BEGIN ENCRYPTED PRIVATE KEY-----",
  ])("flags a private-key PEM under an innocent name: %s", (pem) => {
    expect(fields({ environment: { TLS_MATERIAL: pem } })).toEqual(["environment.TLS_MATERIAL"]);
  });

  test("does not flag a certificate PEM (public)", () => {
    expect(fields({ environment: { TLS_CERT: "-----BEGIN CERTIFICATE-----\nMIIC..." } })).toEqual([]);
  });

  test("flags an AWS access key id under an innocent name", () => {
    expect(fields({ environment: { UPSTREAM_ID: "AKIAIOSFODNN7EXAMPLE" } })).toEqual(["environment.UPSTREAM_ID"]);
  });

  test.each(["postgres://app:hunter2@db:5432/app", "postgresql://app:hunter2@db/app", "mysql://root:pw@db:3306/app"])(
    "flags a database URL with a password: %s",
    (url) => {
      expect(fields({ environment: { DATABASE_URL: url } })).toEqual(["environment.DATABASE_URL"]);
    },
  );

  test.each(["postgres://db:5432/app", "postgres://app@db:5432/app", "AKIA-not-a-key"])("does not flag %s", (value) => {
    expect(fields({ environment: { SOME_URL: value } })).toEqual([]);
  });

  test("finds nothing in the real environment files", () => {
    expect(findLiteralSecrets(devInput())).toEqual([]);
    expect(findLiteralSecrets(prodInput())).toEqual([]);
  });

  test.each([undefined, null, "PASSWORD", 42])("finds nothing in a non-object input (%p)", (raw) => {
    expect(findLiteralSecrets(raw)).toEqual([]);
  });
});

describe("looksLikeSecretName and looksLikeSecretValue", () => {
  test("match names case-insensitively anywhere in the name", () => {
    expect(looksLikeSecretName("MyPassword")).toBe(true);
    expect(looksLikeSecretName("session_secret_v2")).toBe(true);
    expect(looksLikeSecretName("username")).toBe(false);
  });

  test("match an access key id only with exactly 16 upper-case characters after AKIA", () => {
    expect(looksLikeSecretValue("AKIAIOSFODNN7EXAMPLE")).toBe(true);
    expect(looksLikeSecretValue("AKIAIOSFODNN7EXAMPL")).toBe(false);
    expect(looksLikeSecretValue("akiaiosfodnn7example")).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Known token formats, command lines and every spelling of a secret's name
// ---------------------------------------------------------------------------------------------------------------

describe("findLiteralSecrets recognises by their format", () => {
  // Built from parts so that the source holds no complete token.
  const token = (prefix: string, body: string) => `${prefix}${body}`;
  const b36 = "0123456789abcdefghijABCDEFGHIJklmnop";

  test.each([
    ["an AWS temporary access key id", "ASIAIOSFODNN7EXAMPLE", "an AWS access key id"],
    [
      "an AWS secret access key after its name",
      `aws_secret_access_key=${"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`,
      "an AWS secret access key",
    ],
    ["a Stripe live secret key", token("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc"), "a Stripe secret key"],
    ["a Stripe restricted key", token("rk_live_", "4eC39HqLyjWDarjtT1zdp7dc"), "a Stripe secret key"],
    ["a Stripe test secret key", token("sk_test_", "4eC39HqLyjWDarjtT1zdp7dc"), "a Stripe secret key"],
    ["a GitHub personal token", token("ghp_", b36), "a GitHub token"],
    ["a GitHub OAuth token", token("gho_", b36), "a GitHub token"],
    ["a GitHub user-to-server token", token("ghu_", b36), "a GitHub token"],
    ["a GitHub server-to-server token", token("ghs_", b36), "a GitHub token"],
    ["a GitHub refresh token", token("ghr_", b36), "a GitHub token"],
    ["a fine-grained GitHub token", token("github_pat_", `11ABCDEFG0${b36}_${b36.slice(0, 20)}`), "a GitHub token"],
    ["a GitLab token", token("glpat-", "xxxxxxxxxxxxxxxxxxxx"), "a GitLab token"],
    ["a Slack bot token", token("xoxb-", "123456789012-abcdefghijkl"), "a Slack token"],
    ["a Slack user token", token("xoxp-", "123456789012-abcdefghijkl"), "a Slack token"],
    [
      "a JSON Web Token",
      `${"eyJhbGciOiJIUzI1NiJ9"}.${"eyJzdWIiOiIxMjM0NTY3ODkwIn0"}.${"dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"}`,
      "a JSON Web Token",
    ],
    ["a PGP private key", "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQdGBF...", "a private key"],
    ["a DSA private key", "-----BEGIN DSA PRIVATE KEY-----", "a private key"],
    ["an Authorization header", `Bearer ${b36}`, "an Authorization header value"],
  ])("%s under an innocent name", (_what, value, kind) => {
    expect(findLiteralSecrets({ environment: { UPSTREAM: value } })).toEqual([
      { field: "environment.UPSTREAM", message: `${MESSAGE} (the value looks like ${kind})` },
    ]);
  });
});

describe("findLiteralSecrets recognises passwords on command lines", () => {
  test.each([
    [["migrate", "--password=hunter2"], "command[1]", "a password on a command line"],
    [["migrate", "--db-password", "hunter2"], "command[2]", "follows --db-password on a command line"],
    [["mysql", "-h", "db", "-uapp", "-phunter2", "app"], "command[4]", "a MySQL password on a command line"],
    [["sh", "-c", "PGPASSWORD=hunter2 psql -h db app"], "command[2]", "a password in an environment assignment"],
    [
      ["CMD-SHELL", "mysqladmin ping -h localhost -uroot -phunter2"],
      "command[1]",
      "a MySQL password on a command line",
    ],
    [
      ["CMD-SHELL", "psql 'host=db user=app password=hunter2 dbname=app' -c 'select 1'"],
      "command[1]",
      "a password in a connection string",
    ],
    [
      ["java", "-jar", "app.jar", "--spring.datasource.url=jdbc:postgresql://db/app?user=app&password=hunter2"],
      "command[3]",
      "a password in a connection string",
    ],
    [["worker", "--token", "abc123def456"], "command[2]", "follows --token on a command line"],
  ])("%j", (command, field, reason) => {
    const found = findLiteralSecrets({ command });
    expect(found).toEqual([{ field, message: expect.stringContaining(reason) }]);
    expect(found[0].message.startsWith(MESSAGE)).toBe(true);
  });

  test.each([
    [["sh", "-c", "PGPASSWORD=$DATABASE_PASSWORD psql -h db app"]],
    [["sh", "-c", 'PGPASSWORD="${DATABASE_PASSWORD}" psql -h db app']],
    [["migrate", "--password", "$DB_PASSWORD"]],
    [["migrate", "--password=${DB_PASSWORD}"]],
    [["mysql", "-p", "app"]],
    [["mysql", "-P", "3306", "-h", "db"]],
    [["psql", "-p", "5432", "-h", "db"]],
    [["rsync", "--bypass", "hunter2"]],
    [["psql", "postgres://app:$PGPASS@db:5432/app"]],
    [["npm", "run", "db:migrate"]],
  ])("leaves %j alone (references, prompts, ports)", (command) => {
    expect(findLiteralSecrets({ command })).toEqual([]);
  });
});

describe("looksLikeSecretName in every spelling", () => {
  test.each([
    "dbPassword",
    "DbPwd",
    "db-pwd",
    "MYSQL_PWD",
    "db.password",
    "clientSecret",
    "client_secret",
    "CLIENT-SECRET",
    "accessKey",
    "ACCESS_KEY",
    "secretKey",
    "SECRET_ACCESS_KEY",
    "apikey",
    "APIKey",
    "privateKey",
    "private-key",
    "authToken",
    "BASIC_AUTH",
    "proxyAuth",
    "Authorization",
    "githubCredentials",
    "SMTP_CREDS",
    "signing-key",
    "licenseKey",
    "passphrase",
  ])("flags %s", (name) => {
    expect(looksLikeSecretName(name)).toBe(true);
  });

  test.each([
    "PUBLIC_KEY",
    "publicKey",
    "KEY_ID",
    "ACCESS_KEY_ID",
    "accessKeyId",
    "API_KEY_ID",
    "SECRET_ARN",
    "secretName",
    "TOKEN_URL",
    "tokenEndpoint",
    "AUTH_URL",
    "AUTH_MODE",
    "OAUTH_CLIENT_ID",
    "PASSWORD_FILE",
    "PASSWORD_MIN_LENGTH",
    "PARTITION_KEY",
    "S3_OBJECT_KEY",
    "PWD",
    "OLDPWD",
    "KEYBOARD_LAYOUT",
    "AUTHOR",
  ])("does not flag %s", (name) => {
    expect(looksLikeSecretName(name)).toBe(false);
  });
});

describe("literal secrets in bootstrap.ts", () => {
  test("a token in a tag is refused with the file and field", () => {
    const check = validateChangedProject((p) => (p.tags = { Owner: `ghp_${"a".repeat(36)}` }));
    expect(check).toThrow(
      configIssue(
        BOOTSTRAP_FILE,
        "tags.Owner",
        /looks like a literal secret value; .* \(the value looks like a GitHub token\)$/,
      ),
    );
  });

  test("a secret-named field is refused", () => {
    expect(validateChangedProject((p) => (p.deployToken = "abc"))).toThrow(
      configIssue(BOOTSTRAP_FILE, "deployToken", /looks like a literal secret value/),
    );
  });
});

describe("literal secrets in a workspace's command lines and health checks", () => {
  test("a container health check with a MySQL password", () => {
    const check = validateChanged(
      "dev",
      (ws) =>
        (ws.services[1].containerHealthCheck = {
          command: ["CMD-SHELL", "mysqladmin ping -uroot -phunter2 || exit 1"],
        }),
    );
    expect(check).toThrow(
      configIssue(DEV_FILE, "services[1].containerHealthCheck.command[1]", /looks like a literal secret value/),
    );
  });

  test("a service command with a Stripe key", () => {
    const check = validateChanged(
      "dev",
      (ws) => (ws.services[0].command = ["node", "server.js", `--stripe=sk_live_${"a".repeat(24)}`]),
    );
    expect(check).toThrow(
      configIssue(DEV_FILE, "services[0].command[2]", /.*\(the value looks like a Stripe secret key\)$/),
    );
  });
});
