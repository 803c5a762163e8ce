import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
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

/** The LogsApi of a CloudWatch Logs client (the SDK honours AWS_ENDPOINT_URL and its per-service variants). */
export function sdkLogsApi(config: AwsClientConfig): LogsApi {
  const client = new CloudWatchLogsClient(config);
  return {
    filterLogEvents: async (input) => {
      const { events, nextToken } = await client.send(new FilterLogEventsCommand(input));
      return { events, nextToken };
    },
  };
}
