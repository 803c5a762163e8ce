import {
  ALB_MATCHER_CODES,
  DB_NAME_LIMITS,
  MAX_BUCKET_NAME_LENGTH,
  MAX_DB_WINDOW_MINUTES,
  MAX_DNS_LABEL_LENGTH,
  MAX_DNS_NAME_LENGTH,
  MAX_HEALTH_CHECK_PATH_LENGTH,
  MAX_RULE_CONDITION_VALUE_LENGTH,
  MIN_BUCKET_NAME_LENGTH,
  MIN_DB_WINDOW_MINUTES,
} from "../aws-limits";
import type { DatabaseEngine } from "../constructs/database-engines";
import { KNOWN_REGIONS } from "./regions";

/**
 * The syntax AWS accepts for the names and strings an environment file gives it: DNS names, listener path patterns,
 * health check paths and matchers, S3 bucket names, IAM actions and ARNs, database and user names, RDS windows.
 * Each function returns what is wrong with a value, in words a person can act on (the value, the rule and what would
 * be valid), or undefined when the value is fine. The field path is the caller's.
 */

const shown = (value: string) => JSON.stringify(value);

/** Characters of `value` outside `allowed` (one character class), each once, quoted, for messages. */
function offending(value: string, allowed: RegExp): string {
  const bad = [...new Set([...value].filter((c) => !allowed.test(c)))];
  return bad.map((c) => (c === " " ? "a space" : shown(c))).join(", ");
}

// ---------------------------------------------------------------------------------------------------------------
// DNS names
// ---------------------------------------------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * What is wrong with a DNS zone name (`zone`) or a host name a service answers on (`host`): lower-case labels of
 * letters, digits and hyphens, 1-63 characters each, no hyphen at either end, 253 characters in all, at least two
 * labels, the last one starting with a letter. A host may start with the wildcard label `*`, which Route 53, ACM and
 * listener rules all accept there and only there; a host is also a listener rule value (at most 128 characters).
 */
export function dnsNameProblem(name: string, kind: "zone" | "host"): string | undefined {
  const example = kind === "zone" ? '"dev.example.com"' : '"app.dev.example.com"';
  const expected = `expected lower-case labels of letters, digits and hyphens separated by dots, e.g. ${example}`;
  if (name === "") return `"" is not a DNS name; ${expected}`;
  if (name.endsWith(".")) return `${shown(name)} ends with a dot; write it without, e.g. ${shown(name.slice(0, -1))}`;
  if (name !== name.toLowerCase()) {
    return `${shown(name)} has upper-case letters; DNS names are written in lower case here: ${shown(name.toLowerCase())}`;
  }
  const max = kind === "host" ? MAX_RULE_CONDITION_VALUE_LENGTH : MAX_DNS_NAME_LENGTH;
  if (name.length > max) {
    const why = kind === "host" ? "a listener rule's host condition holds" : "a DNS name holds";
    return `${shown(name)} is ${name.length} characters long; ${why} at most ${max}`;
  }
  const labels = name.split(".");
  if (labels.length < 2) return `${shown(name)} has a single label; ${expected}`;
  for (const [i, label] of labels.entries()) {
    if (label === "*") {
      if (kind === "zone") {
        return `${shown(name)} has a wildcard; a zone is a plain name, e.g. ${example} (host names may start with "*.")`;
      }
      if (i > 0)
        return `${shown(name)} has "*" below the first label; a wildcard can only be the whole first label, e.g. "*.dev.example.com"`;
      continue;
    }
    if (label === "") return `${shown(name)} has an empty label (two dots in a row, or a leading dot); ${expected}`;
    if (label.length > MAX_DNS_LABEL_LENGTH) {
      return `${shown(name)} has a label of ${label.length} characters (${shown(label.slice(0, 12))}...); each label holds at most ${MAX_DNS_LABEL_LENGTH}`;
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return `${shown(name)} has a label that starts or ends with a hyphen (${shown(label)}); ${expected}`;
    }
    if (!DNS_LABEL.test(label)) {
      const bad = offending(label, /[a-z0-9-]/);
      return `${shown(name)} contains ${bad}${label.includes("*") ? " inside a label" : ""}, which a DNS name cannot hold; ${expected}`;
    }
  }
  if (!/^[a-z]/.test(labels[labels.length - 1])) {
    return `${shown(name)} ends in a label that does not start with a letter (an address, not a name); ${expected}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Listener path patterns, health check paths and matchers
// ---------------------------------------------------------------------------------------------------------------

/**
 * A listener rule's path pattern: starts with "/", at most 128 characters of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + &,
 * with "*" (any characters) and "?" (one character) as wildcards (Elastic Load Balancing, "Path conditions").
 */
export function pathPatternProblem(pattern: string): string | undefined {
  if (!pattern.startsWith("/")) return `${shown(pattern)} must start with "/", e.g. "/${pattern.replace(/^\/*/, "")}"`;
  if (pattern.length > MAX_RULE_CONDITION_VALUE_LENGTH) {
    return `${shown(pattern)} is ${pattern.length} characters long; a path pattern holds at most ${MAX_RULE_CONDITION_VALUE_LENGTH}`;
  }
  const allowed = /[A-Za-z0-9_\-.$/~"'@:+&*?]/;
  if ([...pattern].some((c) => !allowed.test(c))) {
    return (
      `${shown(pattern)} contains ${offending(pattern, allowed)}, which a path pattern cannot hold; expected ` +
      `A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & and the wildcards * and ?, e.g. "/api/*"`
    );
  }
  return undefined;
}

/** The target group's health check path: starts with "/", at most 1024 visible ASCII characters. */
export function healthCheckPathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return `${shown(path)} must start with "/", e.g. "/${path.replace(/^\/*/, "")}"`;
  if (path.length > MAX_HEALTH_CHECK_PATH_LENGTH) {
    return `${shown(path)} is ${path.length} characters long; a health check path holds at most ${MAX_HEALTH_CHECK_PATH_LENGTH}`;
  }
  const allowed = /[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]/;
  if ([...path].some((c) => !allowed.test(c))) {
    return `${shown(path)} contains ${offending(path, allowed)}, which a URL path cannot hold unencoded; expected e.g. "/health" (percent-encode anything else)`;
  }
  return undefined;
}

/** HTTP codes that count as healthy: "200", "200,202" or "200-299", each from 200 to 499. */
export function matcherProblem(matcher: string): string | undefined {
  const expected = `expected HTTP codes from ${ALB_MATCHER_CODES.from} to ${ALB_MATCHER_CODES.to} as one code ("200"), a list ("200,204") or a range ("200-399")`;
  const inRange = (n: number) => n >= ALB_MATCHER_CODES.from && n <= ALB_MATCHER_CODES.to;
  const range = /^(\d{3})-(\d{3})$/.exec(matcher);
  if (range) {
    const [low, high] = [Number(range[1]), Number(range[2])];
    if (inRange(low) && inRange(high) && low <= high) return undefined;
    return `${shown(matcher)} is not a range the load balancer accepts; ${expected}`;
  }
  const codes = matcher.split(",");
  if (codes.every((c) => /^\d{3}$/.test(c) && inRange(Number(c)))) return undefined;
  return `${shown(matcher)} is not a health check matcher; ${expected}`;
}

// ---------------------------------------------------------------------------------------------------------------
// S3 bucket names
// ---------------------------------------------------------------------------------------------------------------

const BUCKET_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const BUCKET_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/**
 * An S3 general purpose bucket name ("General purpose bucket naming rules"): 3-63 lower-case letters, digits, dots
 * and hyphens, starting and ending with a letter or digit, no two dots in a row, not shaped like an IP address, none
 * of the prefixes and suffixes AWS reserves. Dots are refused too: Terraform's backend reaches the bucket over HTTPS
 * as <bucket>.s3.<region>.amazonaws.com, which AWS's wildcard certificate does not cover when the name has dots.
 */
export function bucketNameProblem(name: string): string | undefined {
  const expected = `expected ${MIN_BUCKET_NAME_LENGTH}-${MAX_BUCKET_NAME_LENGTH} lower-case letters, digits and hyphens, starting and ending with a letter or digit, e.g. "acme-tfstate-111111111111"`;
  if (name.length < MIN_BUCKET_NAME_LENGTH || name.length > MAX_BUCKET_NAME_LENGTH) {
    return `${shown(name)} is ${name.length} characters long; ${expected}`;
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return `${shown(name)} is shaped like an IP address; ${expected}`;
  if (name !== name.toLowerCase()) return `${shown(name)} has upper-case letters; ${expected}`;
  if (name.includes("..")) return `${shown(name)} has two dots in a row; ${expected}`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    const bad = offending(name, /[a-z0-9.-]/);
    return bad
      ? `${shown(name)} contains ${bad}, which a bucket name cannot hold; ${expected}`
      : `${shown(name)} must start and end with a letter or digit; ${expected}`;
  }
  const prefix = BUCKET_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `${shown(name)} starts with ${shown(prefix)}, which AWS reserves; ${expected}`;
  const suffix = BUCKET_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `${shown(name)} ends with ${shown(suffix)}, which AWS reserves; ${expected}`;
  if (name.includes(".")) {
    return `${shown(name)} has dots, which break HTTPS access to the bucket (the certificate *.s3.amazonaws.com covers one label); ${expected}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// IAM actions and ARNs
// ---------------------------------------------------------------------------------------------------------------

/** The AWS partition a region belongs to. Every region this project knows is in the commercial partition. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * What is wrong with an IAM action: `service:Action`, the service prefix in lower-case letters, digits and hyphens
 * (s3, ec2, execute-api), the action in letters and digits, where the wildcards * and ? may stand only in the action.
 */
export function iamActionProblem(action: string): string | undefined {
  const expected = `expected "service:Action" such as "s3:GetObject" (wildcards only in the action part, e.g. "s3:Get*")`;
  const parts = action.split(":");
  if (parts.length !== 2) return `${shown(action)} is not an IAM action; ${expected}`;
  const [service, name] = parts;
  if (/[*?]/.test(service)) return `${shown(action)} has a wildcard in the service prefix; ${expected}`;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(service)) {
    return `${shown(service)} is not a service prefix (lower-case letters, digits and hyphens, e.g. "s3", "execute-api"); ${expected}`;
  }
  if (!/^[A-Za-z0-9*?]+$/.test(name)) return `${shown(action)} has an action name IAM does not accept; ${expected}`;
  return undefined;
}

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits `arn:<partition>:<service>:<region>:<account>:<resource>` (the resource may hold more colons). */
export function parseArn(text: string): Arn | undefined {
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition, service, region, account, ...rest] = parts;
  return { partition, service, region, account, resource: rest.join(":") };
}

/**
 * What is wrong with a resource of a task policy statement: `*`, or an ARN of the workspace's partition whose region
 * is empty, a known region or a wildcard, and whose account is empty, 12 digits, "aws" or a wildcard.
 */
export function resourceArnProblem(resource: string, region: string): string | undefined {
  if (resource === "*") return undefined;
  const partition = partitionOf(region);
  const expected = `expected "*" or an ARN "arn:${partition}:<service>:<region>:<account>:<resource>", e.g. "arn:${partition}:s3:::uploads/*"`;
  const arn = parseArn(resource);
  if (!arn) return `${shown(resource)} is not an ARN; ${expected}`;
  if (arn.partition !== partition) {
    return `${shown(resource)} is in partition "${arn.partition}", but ${region} is in "${partition}"; ${expected}`;
  }
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(arn.service))
    return `${shown(resource)} has no valid service ("${arn.service}"); ${expected}`;
  if (arn.region !== "" && !/[*?]/.test(arn.region) && !KNOWN_REGIONS.includes(arn.region)) {
    return `${shown(resource)} names region "${arn.region}", which is not a known AWS region; expected a region such as ${region}, "*" or nothing`;
  }
  const accountPattern = /[*?]/.test(arn.account) && /^[\d*?]+$/.test(arn.account);
  if (arn.account !== "" && arn.account !== "aws" && !/^\d{12}$/.test(arn.account) && !accountPattern) {
    return `${shown(resource)} names account "${arn.account}"; expected 12 digits, "*" or nothing`;
  }
  if (arn.resource === "") return `${shown(resource)} names no resource after the account; ${expected}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Database names
// ---------------------------------------------------------------------------------------------------------------

/** SQL key words PostgreSQL reserves (its documentation's appendix "SQL Key Words", reserved column). */
const POSTGRES_RESERVED = new Set(
  (
    "all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create " +
    "current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc " +
    "distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral " +
    "leading limit localtime localtimestamp not null offset on only or order placing primary references returning " +
    "select session_user some symmetric system_user table then to trailing true union unique user using variadic when " +
    "where window with"
  ).split(" "),
);
/** Reserved words of MySQL 8 that a database or user name is most likely to collide with. */
const MYSQL_RESERVED = new Set(
  (
    "accessible add all alter analyze and as asc before between by call cascade case change check collate column " +
    "condition constraint continue convert create cross cube current_date current_time current_timestamp current_user " +
    "cursor database databases default delete desc describe distinct div double drop each else elseif exists explain " +
    "false fetch for force foreign from function grant group grouping groups having if ignore in index inner insert " +
    "interval into is join key keys kill lateral left like limit lock loop match mod natural not null of on " +
    "optimize option or order outer over partition primary procedure range rank read references regexp release " +
    "rename repeat replace require restrict return revoke right rlike row rows schema schemas select set show " +
    "signal sql system table then to trigger true union unique unlock update usage use using values when where while " +
    "window with write xor"
  ).split(" "),
);
const RESERVED_WORDS: Record<DatabaseEngine, Set<string>> = { postgres: POSTGRES_RESERVED, mysql: MYSQL_RESERVED };

/** Names RDS or the engine keep for themselves, with why. */
const RESERVED_DATABASES: Record<DatabaseEngine, Record<string, string>> = {
  postgres: {
    postgres: "is the maintenance database every PostgreSQL instance already has",
    template0: "is a PostgreSQL template database",
    template1: "is a PostgreSQL template database",
    rdsadmin: "is RDS's own database",
  },
  mysql: {
    mysql: "is MySQL's system schema",
    information_schema: "is MySQL's system schema",
    performance_schema: "is MySQL's system schema",
    sys: "is MySQL's system schema",
  },
};
const RESERVED_USERS: Record<DatabaseEngine, Record<string, string>> = {
  postgres: {
    rdsadmin: "is the user RDS manages the instance with",
    admin: "is reserved by RDS for PostgreSQL",
    rds_superuser: "is the role RDS grants the master user",
    rdsrepladmin: "is RDS's replication user",
    rds_replication: "is an RDS role",
  },
  mysql: {
    rdsadmin: "is the user RDS manages the instance with",
    rdsrepladmin: "is RDS's replication user",
  },
};

/** The database created on the instance: a letter, then letters, digits and underscores; 63 (PostgreSQL) or 64 (MySQL). */
export function databaseNameProblem(engine: DatabaseEngine, name: string): string | undefined {
  const max = DB_NAME_LIMITS[engine].databaseName;
  const expected = `expected a letter followed by at most ${max - 1} letters, digits or underscores, not a reserved word, e.g. "app"`;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name) || name.length > max) {
    return `${shown(name)} is not a ${engine} database name RDS accepts; ${expected}`;
  }
  const reserved = RESERVED_DATABASES[engine][name.toLowerCase()];
  if (reserved) return `${shown(name)} ${reserved}; give the application its own, e.g. "app"`;
  if (RESERVED_WORDS[engine].has(name.toLowerCase())) return `${shown(name)} is a word ${engine} reserves; ${expected}`;
  return undefined;
}

/** The master user: a letter, then letters, digits and underscores; 63 (PostgreSQL) or 32 (MySQL); not reserved. */
export function masterUsernameProblem(engine: DatabaseEngine, name: string): string | undefined {
  const max = DB_NAME_LIMITS[engine].masterUsername;
  const expected = `expected a letter followed by at most ${max - 1} letters, digits or underscores, not a reserved name, e.g. "app_admin"`;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name) || name.length > max) {
    return `${shown(name)} is not a ${engine} master user name RDS accepts; ${expected}`;
  }
  const lower = name.toLowerCase();
  const reserved = RESERVED_USERS[engine][lower];
  if (reserved) return `${shown(name)} ${reserved}; ${expected}`;
  if (engine === "postgres" && lower.startsWith("pg_")) {
    return `${shown(name)} starts with "pg_", which PostgreSQL reserves for its own roles; ${expected}`;
  }
  if (RESERVED_WORDS[engine].has(lower)) return `${shown(name)} is a word ${engine} reserves; ${expected}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// RDS backup and maintenance windows
// ---------------------------------------------------------------------------------------------------------------

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;

/** A window as minutes: its start and length (it may wrap past midnight, or past Sunday into Monday). */
export interface TimeWindow {
  readonly start: number;
  readonly minutes: number;
}

const clock = (hh: string, mm: string) => Number(hh) * 60 + Number(mm);

/** "hh:mm-hh:mm" (the schema has checked the syntax) as minutes of the day. */
export function dailyWindow(text: string): TimeWindow {
  const [, h1, m1, h2, m2] = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(text)!;
  const start = clock(h1, m1);
  return { start, minutes: (clock(h2, m2) - start + DAY_MINUTES) % DAY_MINUTES };
}

/** "ddd:hh:mm-ddd:hh:mm" (the schema has checked the syntax) as minutes of the week, Monday 00:00 being 0. */
export function weeklyWindow(text: string): TimeWindow {
  const [, d1, h1, m1, d2, h2, m2] = /^(\w{3}):(\d\d):(\d\d)-(\w{3}):(\d\d):(\d\d)$/.exec(text)!;
  const at = (d: string, h: string, m: string) => DAYS.indexOf(d as (typeof DAYS)[number]) * DAY_MINUTES + clock(h, m);
  const start = at(d1, h1, m1);
  return { start, minutes: (at(d2, h2, m2) - start + WEEK_MINUTES) % WEEK_MINUTES };
}

/** Length problems of a window: at least 30 minutes, at most 24 hours. */
export function windowLengthProblem(text: string, window: TimeWindow, example: string): string | undefined {
  if (window.minutes < MIN_DB_WINDOW_MINUTES) {
    return `${shown(text)} lasts ${window.minutes} minutes; RDS needs a window of at least ${MIN_DB_WINDOW_MINUTES}, e.g. ${shown(example)}`;
  }
  if (window.minutes > MAX_DB_WINDOW_MINUTES) {
    const hours = Math.round((window.minutes / 60) * 10) / 10;
    return `${shown(text)} lasts ${hours} hours; expected a window of at most 24 hours, e.g. ${shown(example)}`;
  }
  return undefined;
}

/** Whether the daily backup window meets the weekly maintenance window on any day of the week. */
export function windowsOverlap(backup: TimeWindow, maintenance: TimeWindow): boolean {
  const meets = (a: TimeWindow, b: TimeWindow) => a.start < b.start + b.minutes && b.start < a.start + a.minutes;
  for (let day = -1; day <= 7; day++) {
    const daily = { start: day * DAY_MINUTES + backup.start, minutes: backup.minutes };
    for (const shift of [-WEEK_MINUTES, 0, WEEK_MINUTES]) {
      if (meets(daily, { start: maintenance.start + shift, minutes: maintenance.minutes })) return true;
    }
  }
  return false;
}
