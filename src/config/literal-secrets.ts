/**
 * Secrets never belong in an environment file: the files are committed, reviewed and printed. This finds strings that
 * are secrets, wherever they stand (environment values, parameters, commands, health checks, tags, bootstrap.ts), by
 * the name they are given and by what they look like, so the loader can refuse them before anything is synthesized.
 */

export interface LiteralSecret {
  /** Dotted field path inside the file. */
  readonly field: string;
  readonly message: string;
}

export const LITERAL_SECRET_MESSAGE =
  "looks like a literal secret value; declare it under secrets (filled by `npm run secrets`) and reference it";

// ---------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------

/** The words of a name in any spelling: camelCase, PascalCase, snake_case, kebab-case, SCREAMING_CASE, dotted. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
}

/** Words that name a secret wherever they stand in a name (DB_PASSWORD, dbPwd, clientSecret, GITHUB_TOKEN). */
const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "passphrase",
  "pwd",
  "secret",
  "secrets",
  "token",
  "tokens",
  "credential",
  "credentials",
  "creds",
  "authorization",
  // Names written as one word: APIKEY, privatekey, accesskey, secretkey, clientsecret, authtoken.
  "apikey",
  "privatekey",
  "accesskey",
  "secretkey",
  "clientsecret",
  "authtoken",
]);
/** Words that name a secret as the last word only: BASIC_AUTH, proxyAuth, STRIPE_KEY, signing-key. */
const SECRET_LAST_WORDS = new Set(["auth", "key", "keys"]);
/** What may come before "key" in a harmless name: PUBLIC_KEY, PARTITION_KEY, CACHE_KEY, S3_OBJECT_KEY. */
const HARMLESS_KEY_QUALIFIERS = new Set([
  "public",
  "partition",
  "sort",
  "primary",
  "cache",
  "object",
  "foreign",
  "hash",
  "range",
  "idempotency",
  "routing",
  "shard",
  "lookup",
  "dedup",
  "deduplication",
]);
/**
 * Last words that describe a secret without being one: SECRET_ARN, TOKEN_URL, API_KEY_ID, PASSWORD_FILE,
 * AUTH_HEADER (a header's name), PASSWORD_MIN_LENGTH.
 */
const DESCRIPTOR_WORDS = new Set([
  "id",
  "ids",
  "arn",
  "arns",
  "name",
  "names",
  "url",
  "uri",
  "endpoint",
  "path",
  "file",
  "dir",
  "prefix",
  "suffix",
  "length",
  "len",
  "size",
  "type",
  "kind",
  "header",
  "field",
  "param",
  "region",
  "ttl",
  "expiry",
  "expires",
  "expiration",
  "enabled",
  "disabled",
  "required",
  "min",
  "max",
  "policy",
  "version",
  "format",
  "algorithm",
  "alg",
  "issuer",
  "audience",
  "rotation",
  "days",
  "hours",
  "seconds",
  "count",
  "mode",
  "provider",
  "scope",
  "hint",
  "label",
]);
/** Whole names that hold no secret although their words suggest one: the shell's working directories. */
const HARMLESS_NAMES = new Set(["PWD", "OLDPWD"]);

/** Whether a string under this name would be a secret (DATABASE_PASSWORD, apiKey, client-secret, STRIPE_KEY). */
export function looksLikeSecretName(name: string): boolean {
  if (HARMLESS_NAMES.has(name)) return false;
  const words = nameWords(name);
  if (words.length === 0) return false;
  const last = words[words.length - 1];
  if (DESCRIPTOR_WORDS.has(last)) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  if (!SECRET_LAST_WORDS.has(last)) return false;
  const before = words[words.length - 2];
  return !(last !== "auth" && before !== undefined && HARMLESS_KEY_QUALIFIERS.has(before));
}

// ---------------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------------

/** A value that is not a literal: a shell or template reference such as $DB_PASSWORD or ${DB_PASSWORD}. */
const NOT_A_REFERENCE = String.raw`(?![$"']*\$)`;
const SECRET_OPTION = String.raw`(?:password|passwd|pwd|pass|token|secret|api-?key|access-key|secret-access-key|client-secret|auth-token)`;
/** An option naming a secret: --password, -password, --db-password, --aws-secret-access-key (not --bypass). */
const SECRET_OPTION_NAME = String.raw`--?(?:[a-z0-9]+[-_])*${SECRET_OPTION}`;

/** What a secret looks like, and how the message names it. */
const SECRET_VALUES: readonly { readonly pattern: RegExp; readonly kind: string }[] = [
  { pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/, kind: "a private key" },
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, kind: "an AWS access key id" },
  {
    pattern:
      /(?:secret[_-]?access[_-]?key|secret[_-]?key|aws[_-]?secret)\S*?["']?\s*[=:\s]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/i,
    kind: "an AWS secret access key",
  },
  { pattern: /\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}/, kind: "a Stripe secret key" },
  { pattern: /\bwhsec_[0-9A-Za-z]{24,}/, kind: "a Stripe webhook secret" },
  { pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}/, kind: "a GitHub token" },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{40,}/, kind: "a GitHub token" },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}/, kind: "a GitLab token" },
  { pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}/, kind: "a Slack token" },
  {
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/,
    kind: "a Slack webhook URL",
  },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}/, kind: "a Google API key" },
  { pattern: /\bnpm_[A-Za-z0-9]{36}\b/, kind: "an npm token" },
  { pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/, kind: "a SendGrid API key" },
  { pattern: /\bsk-(?:proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{32,}/, kind: "an API secret key" },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/, kind: "a JSON Web Token" },
  { pattern: /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/-]{16,}=*/, kind: "an Authorization header value" },
  // scheme://user:password@host (the user may be empty, as in redis://:pw@host).
  {
    pattern: new RegExp(String.raw`[a-z][a-z0-9+.-]*://[^\s/:@]*:${NOT_A_REFERENCE}[^\s/@]+@`, "i"),
    kind: "a URL with a password",
  },
  // --password=hunter2, --token=..., -password=...
  {
    pattern: new RegExp(String.raw`(?:^|\s)${SECRET_OPTION_NAME}=${NOT_A_REFERENCE}\S+`, "i"),
    kind: "a password on a command line",
  },
  // --password hunter2 inside one string (e.g. a CMD-SHELL health check)
  {
    pattern: new RegExp(String.raw`(?:^|\s)${SECRET_OPTION_NAME}\s+${NOT_A_REFERENCE}[^\s-]\S*`, "i"),
    kind: "a password on a command line",
  },
  // mysql -phunter2 (the password glued to -p; "-p" alone prompts, "-P" is the port)
  {
    pattern: new RegExp(String.raw`\bmysql\w*\b[^|;&]*\s-p${NOT_A_REFERENCE}[^\s-]\S*`),
    kind: "a MySQL password on a command line",
  },
  // PGPASSWORD=hunter2 psql ..., MYSQL_PWD=..., API_TOKEN=... cmd
  {
    pattern: new RegExp(
      String.raw`\b[A-Z0-9_]*(?:PASSWORD|PASSWD|PWD|TOKEN|SECRET|API_KEY)=${NOT_A_REFERENCE}[^\s;&|]+`,
    ),
    kind: "a password in an environment assignment",
  },
  // host=db user=app password=hunter2, Server=...;Password=hunter2;, jdbc:...?password=hunter2
  {
    pattern: new RegExp(String.raw`(?:^|[\s;?&])(?:password|passwd|pwd)\s*=\s*${NOT_A_REFERENCE}[^\s;&'"]+`, "i"),
    kind: "a password in a connection string",
  },
];

/** What kind of secret `value` holds, or undefined when it looks like none. */
export function secretKindOf(value: string): string | undefined {
  return SECRET_VALUES.find((s) => s.pattern.test(value))?.kind;
}

/** Whether the string holds a private key, a token, an access key or a password in a URL or command line. */
export function looksLikeSecretValue(value: string): boolean {
  return secretKindOf(value) !== undefined;
}

/** An option that takes a secret as the next word of a command: ["migrate", "--password", "hunter2"]. */
const SECRET_FLAG = new RegExp(String.raw`^${SECRET_OPTION_NAME}$`, "i");

// ---------------------------------------------------------------------------------------------------------------
// The walk through a file
// ---------------------------------------------------------------------------------------------------------------

/** Keys whose string names a secret or a key inside one instead of holding it. */
const REFERENCE_KEYS = new Set(["secret", "databaseSecret", "envVar", "key"]);

const byValue = (field: string, value: string): LiteralSecret[] => {
  const kind = secretKindOf(value);
  return kind ? [{ field, message: `${LITERAL_SECRET_MESSAGE} (the value looks like ${kind})` }] : [];
};

/**
 * Every string anywhere in the raw file whose key names a password, token or key, or whose value looks like one:
 * a private key, a known token format, an AWS key, a password in a URL, a connection string or a command line.
 */
export function findLiteralSecrets(raw: unknown, path = ""): LiteralSecret[] {
  if (Array.isArray(raw)) {
    const isMysql = raw.some((item) => typeof item === "string" && /(?:^|\/)mysql\w*$/.test(item));
    return raw.flatMap((item, i) => {
      const field = `${path}[${i}]`;
      if (typeof item !== "string") return findLiteralSecrets(item, field);
      const found = byValue(field, item);
      if (found.length > 0) return found;
      const previous = raw[i - 1];
      const nextToSecretFlag = typeof previous === "string" && SECRET_FLAG.test(previous);
      const isReference = item.startsWith("$") || item.startsWith("-") || item === "";
      if (nextToSecretFlag && !isReference) {
        return [{ field, message: `${LITERAL_SECRET_MESSAGE} (the value follows ${previous} on a command line)` }];
      }
      if (isMysql && /^-p(?!\$)[^\s]+$/.test(item)) {
        return [
          { field, message: `${LITERAL_SECRET_MESSAGE} (the value looks like a MySQL password on a command line)` },
        ];
      }
      return [];
    });
  }
  if (raw === null || typeof raw !== "object") return [];
  return Object.entries(raw as Record<string, unknown>).flatMap(([key, value]) => {
    const field = path === "" ? key : `${path}.${key}`;
    if (typeof value !== "string") return findLiteralSecrets(value, field);
    if (!REFERENCE_KEYS.has(key) && looksLikeSecretName(key)) return [{ field, message: LITERAL_SECRET_MESSAGE }];
    return byValue(field, value);
  });
}
