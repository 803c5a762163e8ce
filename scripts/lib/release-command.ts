import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import type { ServiceConfig, WorkspaceConfig } from "../../src/config";
import {
  AWS_OPTIONS,
  AWS_OPTIONS_USAGE,
  AwsClientConfig,
  findService,
  findWorkspace,
  loadProjectEnvironments,
  main,
  OptionsConfig,
  UsageError,
  workspaceClientConfig,
} from "./cli";
import { imageTagProblem } from "./image-tag";
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { BlueGreenClients, instantRollback, releaseBlueGreen } from "./blue-green";
import { chooseRollback, releaseImage, releaseTarget, RELEASE_EXIT } from "./release";

const EXIT_CODES = `Exit codes:
  ${RELEASE_EXIT.completed}  the rollout completed (with --no-wait: it started)
  ${RELEASE_EXIT.failed}  an AWS error, or this command failed
  ${RELEASE_EXIT.usage}  usage error: unknown workspace or service, not a tag, bad option
  ${RELEASE_EXIT.notFound}  not found: the tag in the repository, the service (deploy the workspace first), an
     earlier release to return to, or a tag whose digest is not --expect-digest; nothing was changed
  ${RELEASE_EXIT.timedOut}  the rollout did not finish within --timeout; it goes on
  ${RELEASE_EXIT.rolloutFailed}  the rollout failed or ECS rolled it back (the reasons are printed; the stack's image
     parameter is put back, so Terraform keeps describing what runs)`;

const RELEASE_USAGE = `Usage: npm run release -- <workspace> <service> <tag> [--expect-digest sha256:...] [--no-wait]
                          [--timeout SECONDS] [--no-assume-role]

Releases an image that is already in the service's ECR repository (<project>/<workspace>/<service>):
  1. resolves <tag> to its digest (refused, with nothing changed, when the tag is not there);
  2. registers the service's current task definition again with only the image changed, pinned by digest
     (and the same for its migration task), and moves the ECS service to it;
  3. writes the image and tag to the parameters the stack reads, so a plan afterwards shows no change and
     a later infrastructure change deploys this image, never an older one;
  4. waits for the rollout, printing running/desired tasks and target health, until ECS reports it
     completed, failed or rolled back, and records the release (npm run releases).
No Terraform runs. CI runs it with its release role's own credentials (--no-assume-role).

  workspace              a workspace from environments/
  service                a service of that workspace
  tag                    the image tag, e.g. v1.4.2 or a commit SHA
  --expect-digest D      refuse unless the tag is this digest (promoting the image another workspace ran)
  --no-wait              return once ECS deploys the new task definition
  --timeout SECONDS      stop waiting after this long (default: the service's deployment.rolloutTimeoutMinutes)
  --test-url URL         blue-green: base URL of the test route for the HTTP validation (default
                         https://<first host>:<test listener port>)
${AWS_OPTIONS_USAGE}

A blue-green service (deployment.strategy) is released to its standby colour instead: the new version runs
beside the live one, reachable only through the test listener; the declared validation runs there, and the
command stops before any production traffic moves (promote with npm run promote, or npm run abort).

${EXIT_CODES}`;

const ROLLBACK_USAGE = `Usage: npm run rollback -- <workspace> <service> [--to TAG] [--no-wait] [--timeout SECONDS]
                           [--no-assume-role]

Returns the service to the newest completed release whose image differs from what runs now (or to the newest
completed release of TAG), exactly as npm run release deploys: a new task definition revision with that
digest, the service moved to it, the rollout watched, the rollback recorded. For a blue-green service whose
previous colour is still warm after a promotion, it is one listener change instead (seconds).

  --to TAG               the release to return to
  --no-wait, --timeout   as for npm run release
${AWS_OPTIONS_USAGE}

${EXIT_CODES}`;

export function releaseClients(config: AwsClientConfig): BlueGreenClients {
  return {
    ecs: new ECSClient(config),
    ecr: new ECRClient(config),
    ssm: new SSMClient(config),
    dynamodb: new DynamoDBClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    sts: new STSClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
  };
}

function timeoutOf(value: string | undefined, service: ServiceConfig): number {
  if (value === undefined) return service.deployment.rolloutTimeoutMinutes * 60;
  if (!/^[1-9]\d*$/.test(value))
    throw new UsageError(`--timeout needs a whole number of seconds above 0, got "${value}"`);
  return Number(value);
}

/** The command line of `npm run release` and `npm run rollback`. */
export function releaseCommand(kind: "release" | "rollback"): void {
  const options: OptionsConfig = {
    ...AWS_OPTIONS,
    "no-wait": { type: "boolean" },
    timeout: { type: "string" },
    "test-url": { type: "string" },
    ...(kind === "release" ? { "expect-digest": { type: "string" } } : { to: { type: "string" } }),
  };
  main(
    {
      usage: kind === "release" ? RELEASE_USAGE : ROLLBACK_USAGE,
      positionals: kind === "release" ? ["workspace", "service", "tag"] : ["workspace", "service"],
      options,
    },
    async ({ positionals, values }) => {
      const v = values as Record<string, string | boolean | undefined>;
      const [workspaceName, serviceName, tagArgument] = positionals;
      if (tagArgument !== undefined) {
        const problem = imageTagProblem(tagArgument);
        if (problem) throw new UsageError(`Not an image tag: ${problem}`);
      }
      const expectDigest = v["expect-digest"] as string | undefined;
      if (expectDigest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(expectDigest)) {
        throw new UsageError(`--expect-digest needs "sha256:" and 64 hex digits, got "${expectDigest}"`);
      }
      const environments = loadProjectEnvironments();
      const workspace: WorkspaceConfig = findWorkspace(environments, workspaceName);
      const service = findService(workspace, serviceName);
      const timeoutSeconds = timeoutOf(v.timeout as string | undefined, service);
      const target = releaseTarget(environments.project.project, workspace, service);
      const clients = releaseClients(
        workspaceClientConfig(workspace, { assumeRole: !v["no-assume-role"], sessionName: `npm-${kind}` }),
      );
      const blueGreen = service.deployment.strategy === "blue-green";
      let tag = tagArgument;
      let digest = expectDigest;
      if (kind === "rollback" && blueGreen && v.to === undefined) {
        // While the previous colour is still warm, going back is one listener change.
        const quick = await instantRollback({ clients, target, log: console.log });
        if (quick !== undefined) return quick;
      }
      if (kind === "rollback") {
        const chosen = await chooseRollback(clients, target, v.to as string | undefined);
        console.log(
          `Returning to ${chosen.tag} (${chosen.digest}), released ${chosen.from.startedAt} by ${chosen.from.caller}.`,
        );
        tag = chosen.tag;
        digest = chosen.digest;
      }
      if (blueGreen) {
        const result = await releaseBlueGreen({
          clients,
          target,
          tag: tag!,
          kind,
          expectDigest: digest,
          timeoutSeconds,
          testUrl: v["test-url"] as string | undefined,
          log: console.log,
        });
        return result.exitCode;
      }
      const result = await releaseImage({
        clients,
        target,
        tag: tag!,
        kind,
        expectDigest: digest,
        wait: !v["no-wait"],
        timeoutSeconds,
        log: console.log,
      });
      return result.exitCode;
    },
  );
}
