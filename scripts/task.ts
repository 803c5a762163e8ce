/**
 * npm run task -- <workspace> <service> <task> [--no-assume-role] [--timeout SECONDS]
 * npm run task -- <workspace> maintenance [--as-operator]
 *
 * Runs a service's one-off task (its database migration) on ECS in the service's own subnets and security groups,
 * waits for it to stop and exits with its exit code. The logic is in lib/run-task.ts.
 */
import { ECSClient } from "@aws-sdk/client-ecs";
import { SSMClient } from "@aws-sdk/client-ssm";
import {
  OPERATOR_OPTIONS,
  OPERATOR_OPTIONS_USAGE,
  findWorkspace,
  loadProjectEnvironments,
  main,
  UsageError,
  operatorClientConfig,
} from "./lib/cli";
import {
  DEFAULT_TIMEOUT_SECONDS,
  ONE_OFF_TASKS,
  PASSED_THROUGH_EXIT_CODES,
  resolveOneOffTask,
  runOneOffTask,
  STARTED_BY,
  stopHint,
} from "./lib/run-task";
import { startMaintenanceTask } from "./lib/maintenance";

const USAGE = `Usage: npm run task -- <workspace> <service> <task> [--no-assume-role] [--timeout SECONDS]
       npm run task -- <workspace> maintenance [--as-operator] [--no-assume-role] [--timeout SECONDS]

Runs a one-off task of a service on ECS and waits for it to stop. The task runs in the ECS service's own
subnets and security groups (read from the running service), on the service's capacity provider strategy
or launch type, without a public IP, with startedBy "${STARTED_BY}" and group "task:<task>".
It prints the task ARN and where its logs are, then polls until the task has stopped.

  workspace          a workspace from environments/, e.g. dev
  service            a service of that workspace, e.g. api
  task               one of: ${ONE_OFF_TASKS.join(", ")}
                       migrate  the service's migration task (services[].migration: same image as the
                                service, the migration command)
${OPERATOR_OPTIONS_USAGE}
  --timeout SECONDS  stop waiting after this long (default ${DEFAULT_TIMEOUT_SECONDS}); the task itself keeps running

maintenance: starts the maintenance task (cluster.maintenanceTask: a database client image) in its own security
group with ECS Exec on, waits until it runs, and prints how to open a shell in it (npm run exec) and how to stop
it. It stops itself after cluster.maintenanceTask.idleMinutes without an ECS Exec session.

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

main(
  {
    usage: USAGE,
    positionals: ["workspace", "service", "task"],
    required: 2,
    options: {
      ...OPERATOR_OPTIONS,
      timeout: { type: "string", default: String(DEFAULT_TIMEOUT_SECONDS) },
    },
  },
  async ({ positionals, values }) => {
    const [workspaceName, service, task] = positionals;
    if (!/^[1-9]\d*$/.test(values.timeout)) {
      throw new UsageError(`--timeout needs a whole number of seconds greater than 0, got "${values.timeout}"`);
    }
    const { project, workspaces } = loadProjectEnvironments();
    const workspace = findWorkspace({ project, workspaces }, workspaceName);
    const config = operatorClientConfig(workspace, values, "npm-run-task");
    if (service === "maintenance" && task === undefined) {
      return startMaintenanceTask({
        ecs: new ECSClient(config),
        ssm: new SSMClient(config),
        project: project.project,
        workspace,
        timeoutSeconds: Number(values.timeout),
        log: console.log,
      });
    }
    if (task === undefined) {
      throw new UsageError(`Give the task to run (one of ${ONE_OFF_TASKS.join(", ")}), or "maintenance" alone`);
    }
    const oneOff = resolveOneOffTask(workspace, service, task);
    let interrupted: (() => void) | undefined;
    try {
      return await runOneOffTask({
        ecs: new ECSClient(config),
        ssm: new SSMClient(config),
        project: project.project,
        workspace,
        oneOff,
        timeoutSeconds: Number(values.timeout),
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
    } finally {
      if (interrupted) process.removeListener("SIGINT", interrupted);
    }
  },
);
