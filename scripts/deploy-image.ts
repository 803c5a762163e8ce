/**
 * npm run deploy-image -- <workspace> <service> <tag> [--no-assume-role]
 *
 * The deploy step of the image-tag flow: writes the tag to the service's image-tag parameter. The next
 * `cdktf deploy` reads the parameter and rolls the service to a task definition with that tag.
 */
import { SSMClient } from "@aws-sdk/client-ssm";
import { imageTagParameter } from "../src/naming";
import {
  AWS_OPTIONS,
  AWS_OPTIONS_USAGE,
  CommandFailure,
  findService,
  findWorkspace,
  loadProjectEnvironments,
  main,
  UsageError,
  workspaceClientConfig,
} from "./lib/cli";
import { imageTagProblem, readImageTag, writeImageTag } from "./lib/image-tag";

const USAGE = `Usage: npm run deploy-image -- <workspace> <service> <tag> [--no-assume-role]

Writes <tag> to the service's image-tag parameter (/<project>/<workspace>/<service>/IMAGE_TAG, an SSM
String parameter) and prints the old and the new tag. Push the image to the service's ECR repository
first: the tag is not checked against the repository.

Nothing changes in ECS yet. The stack reads the parameter on every plan, so the next
\`npx cdktf deploy <workspace>\` registers a task definition with the new tag and rolls the service to it;
a later plan keeps whatever tag the parameter holds and never rolls the service back.

  workspace          a workspace from environments/, e.g. dev
  service            a service of that workspace, e.g. api
  tag                a Docker tag: up to 128 of letters, digits, _ . - (not starting with . or -)
${AWS_OPTIONS_USAGE}

Exit codes: 0 written (or the parameter already held the tag); 1 an AWS error; 2 usage error (unknown
workspace or service, not a Docker tag); 3 the parameter does not exist (deploy the workspace first).`;

main(
  { usage: USAGE, positionals: ["workspace", "service", "tag"], options: AWS_OPTIONS },
  async ({ positionals, values }) => {
    const [workspaceName, service, tag] = positionals;
    const problem = imageTagProblem(tag);
    if (problem) throw new UsageError(`Not a Docker tag: ${problem}`);
    const environments = loadProjectEnvironments();
    const workspace = findWorkspace(environments, workspaceName);
    findService(workspace, service);

    const parameter = imageTagParameter(environments.project.project, workspace.name, service);
    const ssm = new SSMClient(
      workspaceClientConfig(workspace, { assumeRole: !values["no-assume-role"], sessionName: "npm-deploy-image" }),
    );
    console.log(`${parameter} in ${workspace.name} (account ${workspace.accountId}, ${workspace.region})`);
    const old = await readImageTag(ssm, parameter);
    if (old === undefined) {
      throw new CommandFailure(
        `The parameter ${parameter} does not exist. The stack creates it with the service's initialImageTag: ` +
          `deploy the workspace first (npx cdktf deploy ${workspace.name}).`,
        3,
      );
    }
    console.log(`  old tag: ${old}`);
    if (old === tag) {
      console.log(`  new tag: ${tag} (unchanged; nothing written)`);
    } else {
      const version = await writeImageTag(ssm, parameter, tag);
      console.log(`  new tag: ${tag} (parameter version ${version ?? "?"})`);
    }
    console.log("");
    console.log(`Next: npx cdktf deploy ${workspace.name}`);
    console.log(
      `  The stack reads the parameter, so that apply rolls ${service} to the tag ${tag}; a later plan keeps it.`,
    );
    if (workspace.services.find((s) => s.name === service)?.migration) {
      console.log(
        `  The migration task definition gets the tag too; run it with: npm run task -- ${workspace.name} ${service} migrate`,
      );
    }
    return 0;
  },
);
