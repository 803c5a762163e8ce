import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { ServiceConfig, WorkspaceConfig } from "../../src/config";
import { maintenanceFamily, serviceLogGroupName } from "../../src/naming";
import { AwsClientConfig, UsageError } from "./cli";

/**
 * `npm run logs`: a service's log events from CloudWatch Logs (FilterLogEvents), once or followed by polling (the
 * emulator has no live tail, and polling works for every caller allowed to read the group). scripts/logs.ts is the
 * command line around it.
 */

/** One log event as FilterLogEvents returns it. */
export interface LogEvent {
  readonly eventId?: string;
  readonly timestamp?: number;
  readonly message?: string;
  readonly logStreamName?: string;
}

export interface FilterLogEventsInput {
  readonly logGroupName: string;
  readonly startTime?: number;
  readonly filterPattern?: string;
  readonly nextToken?: string;
}

/** The one CloudWatch Logs call the command makes, so tests can replace it. */
export interface LogsApi {
  filterLogEvents(input: FilterLogEventsInput): Promise<{ events?: LogEvent[]; nextToken?: string }>;
}

/** Seconds between polls with --follow. */
export const FOLLOW_INTERVAL_MS = 2_000;

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a --since value: a whole number and a unit, s, m, h or d ("15m", "1h", "2d"). */
export function parseSince(value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value);
  if (!match || Number(match[1]) === 0) {
    throw new UsageError(
      `--since needs a whole number above 0 and a unit s, m, h or d, e.g. 15m or 1h; got "${value}"`,
    );
  }
  return Number(match[1]) * UNITS[match[2]];
}

/** The log group of a service, or of the maintenance task when the name is "maintenance". */
export function logGroupOf(workspace: WorkspaceConfig, name: string): string {
  const service: ServiceConfig | undefined = workspace.services.find((s) => s.name === name);
  if (service) return serviceLogGroupName(workspace.namePrefix, service.name);
  const maintenance = workspace.cluster.maintenanceTask?.enabled;
  if (name === "maintenance" && maintenance) return serviceLogGroupName(workspace.namePrefix, "maintenance");
  const names = [...workspace.services.map((s) => s.name), ...(maintenance ? ["maintenance"] : [])];
  throw new UsageError(
    `No service "${name}" in workspace ${workspace.name} (${workspace.file}); expected one of ${names.join(", ")}` +
      (maintenance ? ` (maintenance: the ${maintenanceFamily(workspace.namePrefix)} task)` : ""),
  );
}

/** "2026-12-05T03:04:05.678Z stream  message" */
export function formatEvent(event: LogEvent): string {
  const when = event.timestamp !== undefined ? new Date(event.timestamp).toISOString() : "-";
  return `${when} ${event.logStreamName ?? "-"}  ${(event.message ?? "").replace(/\n$/, "")}`;
}

export interface ReadLogsOptions {
  readonly api: LogsApi;
  readonly logGroupName: string;
  /** First event time, ms since the epoch. */
  readonly startTime: number;
  readonly filterPattern?: string;
  /** Keep polling for new events until `stop` says so. */
  readonly follow: boolean;
  readonly out: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Asked before each poll when following; true ends the loop. @default - never (until interrupted) */
  readonly stop?: () => boolean;
  readonly intervalMs?: number;
}

/**
 * Prints the events from `startTime` on, page by page; with `follow`, polls again from the newest event seen,
 * printing each event once (events of the same millisecond are told apart by their ids). Returns how many it printed.
 */
export async function readLogs(options: ReadLogsOptions): Promise<number> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let startTime = options.startTime;
  let seenAtNewest = new Set<string>();
  let printed = 0;
  for (;;) {
    let nextToken: string | undefined;
    const page: LogEvent[] = [];
    do {
      const answer = await options.api.filterLogEvents({
        logGroupName: options.logGroupName,
        startTime,
        filterPattern: options.filterPattern,
        nextToken,
      });
      page.push(...(answer.events ?? []));
      nextToken = answer.nextToken;
    } while (nextToken);
    page.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    for (const event of page) {
      const id = event.eventId ?? `${event.timestamp}/${event.logStreamName}/${event.message}`;
      if ((event.timestamp ?? 0) === startTime && seenAtNewest.has(id)) continue;
      if ((event.timestamp ?? 0) > startTime) {
        startTime = event.timestamp ?? startTime;
        seenAtNewest = new Set();
      }
      seenAtNewest.add(id);
      options.out(formatEvent(event));
      printed++;
    }
    if (!options.follow || options.stop?.()) return printed;
    await sleep(options.intervalMs ?? FOLLOW_INTERVAL_MS);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The CloudWatch Logs API over HTTPS
// ---------------------------------------------------------------------------------------------------------------

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer takes. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret !== undefined ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/**
 * One CloudWatch Logs action as a signed JSON request (the service's protocol: awsJson1.1, target
 * Logs_20140328.<Action>). The endpoint honours AWS_ENDPOINT_URL_CLOUDWATCH_LOGS and AWS_ENDPOINT_URL as the SDK
 * clients do; credentials come from the workspace's role or the SDK's default chain. (The project has no
 * CloudWatch Logs SDK client; this is the one place that speaks the protocol.)
 */
export function logsCaller(
  config: AwsClientConfig,
  env: NodeJS.ProcessEnv = process.env,
): (action: string, input: object) => Promise<Record<string, unknown>> {
  const endpoint =
    env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS ?? env.AWS_ENDPOINT_URL ?? `https://logs.${config.region}.amazonaws.com`;
  const url = new URL(endpoint);
  const credentials: AwsCredentialIdentityProvider =
    config.credentials ?? new STSClient({ region: config.region }).config.credentials;
  const signer = new SignatureV4({ service: "logs", region: config.region, credentials, sha256: Sha256 });
  return async (action, input) => {
    const body = JSON.stringify(input);
    const request = await signer.sign({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: {
        host: url.host,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `Logs_20140328.${action}`,
      },
      body,
    });
    const response = await fetch(new URL(url.pathname, url), {
      method: "POST",
      headers: request.headers as Record<string, string>,
      body,
    });
    const text = await response.text();
    const parsed = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (!response.ok) {
      const type = String(parsed.__type ?? response.status)
        .split("#")
        .pop();
      const error = new Error(`${type}: ${String(parsed.message ?? parsed.Message ?? text)}`);
      error.name = String(type);
      throw error;
    }
    return parsed;
  };
}

/** The LogsApi over HTTPS (see logsCaller). */
export function httpLogsApi(config: AwsClientConfig, env: NodeJS.ProcessEnv = process.env): LogsApi {
  const call = logsCaller(config, env);
  return {
    filterLogEvents: async (input) =>
      (await call("FilterLogEvents", input)) as { events?: LogEvent[]; nextToken?: string },
  };
}
