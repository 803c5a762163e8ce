/**
 * npm run task -- <workspace> <service> <task> [--no-assume-role] [--timeout SECONDS]
 *
 * Runs a service's one-off task (its database migration) on ECS in the service's own subnets and security groups,
 * waits for it to stop and exits with its exit code. The logic is in lib/run-task.ts.
 */
import * as path from "path";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { loadEnvironments } from "../src/config";
import { workspaceClientConfig } from "./lib/aws";
import { PROJECT_ROOT } from "./lib/paths";
import {
  DEFAULT_TIMEOUT_SECONDS,
  EXIT,
  ONE_OFF_TASKS,
  PASSED_THROUGH_EXIT_CODES,
  resolveOneOffTask,
  runOneOffTask,
  STARTED_BY,
  stopHint,
  TaskCommandError,
} from "./lib/run-task";

const USAGE = `Usage: npm run task -- <workspace> <service> <task> [--no-assume-role] [--timeout SECONDS]

Runs a one-off task of a service on ECS and waits for it to stop. The task runs in the ECS service's own
subnets and security groups (read from the running service), on the service's capacity provider strategy
or launch type, without a public IP, with startedBy "${STARTED_BY}" and group "task:<task>".
It prints the task ARN and where its logs are, then polls until the task has stopped.

  workspace          a workspace from environments/, e.g. dev
  service            a service of that workspace, e.g. api
  task               one of: ${ONE_OFF_TASKS.join(", ")}
                       migrate  the service's migration task (services[].migration: same image as the
                                service, the migration command)
  --no-assume-role   use your own credentials instead of assuming the workspace's deploy role
  --timeout SECONDS  stop waiting after this long (default ${DEFAULT_TIMEOUT_SECONDS}); the task itself keeps running

Exit codes:
  0        the task succeeded (its container exited with 0)
  ${PASSED_THROUGH_EXIT_CODES.min}-${PASSED_THROUGH_EXIT_CODES.max}    the task's own exit code, passed through (so 2, 3 and 4 can also come from the task;
           the last line printed says which)
  1        also: the task stopped without an exit code (e.g. it failed to start; the stopped reason is
           printed), its container exited with a code above ${PASSED_THROUGH_EXIT_CODES.max} (e.g. 137 when killed), or
           this command failed (an AWS error)
  2        usage error: unknown workspace, service or task, or a service without that task
  3        the ECS cluster, service or task definition does not exist (deploy the workspace first)
  4        timed out waiting; the task keeps running and the command prints how to stop it`;

interface Args {
  readonly positional: string[];
  readonly assumeRole: boolean;
  readonly timeoutSeconds: number;
}

function parseArgs(argv: string[]): Args | string {
  const positional: string[] = [];
  let assumeRole = true;
  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--no-assume-role") {
      assumeRole = false;
    } else if (arg === "--timeout" || arg.startsWith("--timeout=")) {
      const value = arg === "--timeout" ? argv[++i] : arg.slice("--timeout=".length);
      if (value === undefined || !/^[1-9]\d*$/.test(value)) {
        return `--timeout needs a whole number of seconds greater than 0, got ${value === undefined ? "nothing" : `"${value}"`}`;
      }
      timeoutSeconds = Number(value);
    } else if (arg.startsWith("-")) {
      return `Unknown option ${arg}`;
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 3) {
    return positional.length < 3
      ? `Missing argument(s): expected <workspace> <service> <task>, got ${positional.length}`
      : `Unexpected argument(s): ${positional.slice(3).join(" ")}`;
  }
  return { positional, assumeRole, timeoutSeconds };
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return EXIT.succeeded;
  }
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(`${args}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const [workspaceName, service, task] = args.positional;
  const { project, workspaces } = loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
  const workspace = workspaces.find((w) => w.name === workspaceName);
  if (!workspace) {
    console.error(`No workspace "${workspaceName}"; expected one of ${workspaces.map((w) => w.name).join(", ")}`);
    return EXIT.usage;
  }

  let interrupted: (() => void) | undefined;
  try {
    const oneOff = resolveOneOffTask(workspace, service, task);
    const config = await workspaceClientConfig(workspace, { assumeRole: args.assumeRole, sessionName: "npm-run-task" });
    return await runOneOffTask({
      ecs: new ECSClient(config),
      ssm: new SSMClient(config),
      project: project.project,
      workspace,
      oneOff,
      timeoutSeconds: args.timeoutSeconds,
      log: console.log,
      onStarted: (taskArn) => {
        interrupted = () => {
          console.error(
            `\nInterrupted; the task keeps running. Stop it with: ${stopHint(oneOff.cluster, taskArn, workspace.region)}`,
          );
          process.exit(130);
        };
        process.once("SIGINT", interrupted);
      },
    });
  } catch (err) {
    if (err instanceof TaskCommandError) {
      console.error(err.message);
      return err.exitCode;
    }
    throw err;
  } finally {
    if (interrupted) process.removeListener("SIGINT", interrupted);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
    process.exit(EXIT.failed);
  },
);
