import {
  AWS_OPTIONS,
  AWS_OPTIONS_USAGE,
  findService,
  findWorkspace,
  loadProjectEnvironments,
  main,
  UsageError,
  workspaceClientConfig,
} from "./cli";
import { abort, describeBlueGreen, promote } from "./blue-green";
import { releaseClients } from "./release-command";
import { releaseTarget, RELEASE_EXIT } from "./release";

const USAGES = {
  promote: `Usage: npm run promote -- <workspace> <service> [--keep-previous SECONDS] [--no-assume-role]

Moves production traffic of a blue-green service to the version the last release validated on its standby
colour, in the service's trafficSteps (deployment.blueGreen), holding each step for its bake time while
watching the new version (failed or missing tasks, unhealthy targets). When it degrades, all traffic goes
back to the previous version by itself and the new one is scaled to zero (exit ${RELEASE_EXIT.rolloutFailed}).
After the last step the previous version stays warm for keepPreviousMinutes (a rollback is then one listener
change, npm run rollback), and is scaled to zero. Run it again to resume waiting after an interruption.

  --keep-previous SECONDS  how long the previous version stays warm (default: keepPreviousMinutes)
${AWS_OPTIONS_USAGE}

Exit codes: 0 promoted; 1 an AWS error; 2 usage error (not a blue-green service); 3 nothing to promote;
${RELEASE_EXIT.rolloutFailed} the new version degraded during a step and was taken out.`,
  abort: `Usage: npm run abort -- <workspace> <service> [--no-assume-role]

Before a promotion completes (validated, or in the middle of its steps): all production traffic back to the
live colour, the new version scaled to zero, the image parameters and task definition put back.

${AWS_OPTIONS_USAGE}

Exit codes: 0 aborted; 1 an AWS error; 2 usage error; 3 nothing to abort.`,
  status: `Usage: npm run status -- <workspace> <service> [--no-assume-role]

For a blue-green service: which colour is live and which stands by, what each runs, the production traffic
split, where the test listener points, and the last release's state.

${AWS_OPTIONS_USAGE}

Exit codes: 0 printed; 1 an AWS error; 2 usage error (not a blue-green service).`,
} as const;

/** The command line of `npm run promote`, `abort` and `status`. */
export function blueGreenCommand(kind: keyof typeof USAGES): void {
  main(
    {
      usage: USAGES[kind],
      positionals: ["workspace", "service"],
      options: { ...AWS_OPTIONS, ...(kind === "promote" ? { "keep-previous": { type: "string" } } : {}) },
    },
    async ({ positionals, values }) => {
      const v = values as Record<string, string | boolean | undefined>;
      const environments = loadProjectEnvironments();
      const workspace = findWorkspace(environments, positionals[0]);
      const service = findService(workspace, positionals[1]);
      if (service.deployment.strategy !== "blue-green") {
        throw new UsageError(
          `${service.name} in ${workspace.name} deploys "${service.deployment.strategy}", not "blue-green" (deployment.strategy in ${workspace.file})`,
        );
      }
      const keep = v["keep-previous"] as string | undefined;
      if (keep !== undefined && !/^\d+$/.test(keep)) {
        throw new UsageError(`--keep-previous needs a whole number of seconds, got "${keep}"`);
      }
      const clients = releaseClients(
        workspaceClientConfig(workspace, { assumeRole: !v["no-assume-role"], sessionName: `npm-${kind}` }),
      );
      const target = releaseTarget(environments.project.project, workspace, service);
      const options = {
        clients,
        target,
        log: console.log,
        keepPreviousSeconds: keep === undefined ? undefined : Number(keep),
      };
      if (kind === "promote") return promote(options);
      if (kind === "abort") return abort(options);
      (await describeBlueGreen(clients, target)).forEach((line) => console.log(line));
      return 0;
    },
  );
}
