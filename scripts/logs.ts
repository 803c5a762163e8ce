/**
 * npm run logs -- <workspace> <service> [--since 1h] [--follow] [--filter TEXT] [--as-operator] [--no-assume-role]
 *
 * Prints a service's log events from CloudWatch Logs; the logic is in lib/logs.ts.
 */
import {
  OPERATOR_OPTIONS,
  OPERATOR_OPTIONS_USAGE,
  findWorkspace,
  loadProjectEnvironments,
  main,
  operatorClientConfig,
} from "./lib/cli";
import { FOLLOW_INTERVAL_MS, sdkLogsApi, logGroupOf, parseSince, readLogs } from "./lib/logs";

const USAGE = `Usage: npm run logs -- <workspace> <service> [--since 1h] [--follow] [--filter TEXT] [--as-operator]

Prints the log events of a service's containers (its log group /ecs/<prefix>/<service>), oldest first, each
with its time and log stream (<service>/<container>/<task id>).

  workspace          a workspace from environments/, e.g. dev
  service            a service of that workspace, or "maintenance" for the maintenance task
  --since DURATION   from how long ago: a number and s, m, h or d (default 1h)
  --follow           keep printing new events, polling every ${FOLLOW_INTERVAL_MS / 1000} s, until Ctrl-C
  --filter TEXT      only events matching this CloudWatch Logs filter pattern, e.g. ERROR or "\\"timed out\\""
${OPERATOR_OPTIONS_USAGE}

Exit codes:
  0  done (also when no event matched)
  1  the call failed (e.g. AccessDenied, or the log group does not exist yet: deploy the workspace first)
  2  usage error: unknown workspace or service, or a bad --since`;

main(
  {
    usage: USAGE,
    positionals: ["workspace", "service"],
    options: {
      ...OPERATOR_OPTIONS,
      since: { type: "string", default: "1h" },
      follow: { type: "boolean", default: false },
      filter: { type: "string" },
    },
  },
  async ({ positionals, values }) => {
    const [workspaceName, service] = positionals;
    const sinceMs = parseSince(values.since);
    const workspace = findWorkspace(loadProjectEnvironments(), workspaceName);
    const logGroupName = logGroupOf(workspace, service);
    const config = operatorClientConfig(workspace, values, "npm-run-logs");
    let interrupted = false;
    process.once("SIGINT", () => (interrupted = true));
    const printed = await readLogs({
      api: sdkLogsApi(config),
      logGroupName,
      startTime: Date.now() - sinceMs,
      filterPattern: values.filter,
      follow: values.follow,
      stop: () => interrupted,
      out: (line) => console.log(line),
    });
    if (printed === 0 && !values.follow) {
      console.error(
        `No events in ${logGroupName} in the last ${values.since}${values.filter ? ` matching ${values.filter}` : ""}.`,
      );
    }
    return 0;
  },
);
