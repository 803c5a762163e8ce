/**
 * npm run exec -- <workspace> <service> [--task ID] [--command sh] [--as-operator] [--no-assume-role]
 *
 * A shell in a running task through ECS Exec; the logic is in lib/exec.ts.
 */
import { ECSClient } from "@aws-sdk/client-ecs";
import {
  OPERATOR_OPTIONS,
  OPERATOR_OPTIONS_USAGE,
  findWorkspace,
  loadProjectEnvironments,
  main,
  operatorClientConfig,
} from "./lib/cli";
import { EXEC_EXIT, execInto, findOnPath, resolveExecTarget, SESSION_MANAGER_PLUGIN } from "./lib/exec";

const USAGE = `Usage: npm run exec -- <workspace> <service> [--task ID] [--command sh] [--as-operator]

Opens an interactive command (a shell by default) in a running task of a service, or of the maintenance task,
through ECS Exec. Without --task it picks a running task (of either colour of a blue/green service).
Before calling ECS it checks that the Session Manager plugin is on PATH, that ECS Exec is enabled on the service
and the task, and that the task's exec agent runs, and says how to fix what is missing.

  workspace          a workspace from environments/, e.g. dev
  service            a service of that workspace, or "maintenance" (start it with npm run task -- <ws> maintenance)
  --task ID          this task (id or ARN) rather than the first running one
  --command CMD      what to run (default sh)
${OPERATOR_OPTIONS_USAGE}

Exit codes:
  0  the session ended normally (otherwise the plugin's own code)
  1  the call failed (an AWS error)
  2  usage error: unknown workspace or service
  3  no such service or running task (deploy, or start the maintenance task, first)
  4  not ready: the plugin is missing, or ECS Exec is off on the service or task, or its agent is not running`;

main(
  {
    usage: USAGE,
    positionals: ["workspace", "service"],
    options: {
      ...OPERATOR_OPTIONS,
      task: { type: "string" },
      command: { type: "string", default: "sh" },
    },
  },
  async ({ positionals, values }) => {
    const [workspaceName, service] = positionals;
    const workspace = findWorkspace(loadProjectEnvironments(), workspaceName);
    const target = resolveExecTarget(workspace, service);
    const config = operatorClientConfig(workspace, values, "npm-run-exec");
    const code = await execInto({
      ecs: new ECSClient(config),
      workspace,
      target,
      taskId: values.task,
      command: values.command,
      log: (line) => console.error(line),
      pluginPath: findOnPath(SESSION_MANAGER_PLUGIN),
      endpoint:
        process.env.AWS_ENDPOINT_URL_ECS ??
        process.env.AWS_ENDPOINT_URL ??
        `https://ecs.${workspace.region}.amazonaws.com`,
    });
    return code === 0 ? EXEC_EXIT.ok : code;
  },
);
