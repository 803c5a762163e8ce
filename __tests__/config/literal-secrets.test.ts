// findLiteralSecrets (src/config/workload.ts): which strings in a raw environment file look like secrets, and under
// which field path they are reported.
import { findLiteralSecrets, looksLikeSecretName, looksLikeSecretValue } from "../../src/config";
import { devInput, prodInput } from "../../test/fixtures";

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
