/**
 * npm run deploy-image -- <workspace> <service> <tag> [--no-assume-role]
 *
 * The deploy step of the image-tag flow: writes the tag to the service's image-tag parameter. The next
 * `cdktf deploy` reads the parameter and rolls the service to a task definition with that tag.
 */
import * as path from "path";
import { SSMClient } from "@aws-sdk/client-ssm";
import { loadEnvironments } from "../src/config";
import { imageTagParameter } from "../src/naming";
import { workspaceClientConfig } from "./lib/aws";
import { imageTagProblem, readImageTag, writeImageTag } from "./lib/image-tag";
import { PROJECT_ROOT } from "./lib/paths";

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
  --no-assume-role   use your own credentials instead of assuming the workspace's deploy role

Exit codes: 0 written (or the parameter already held the tag); 1 an AWS error; 2 usage error (unknown
workspace or service, not a Docker tag); 3 the parameter does not exist (deploy the workspace first).`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((a) => a.startsWith("-") && a !== "--no-assume-role");
  const positional = argv.filter((a) => !a.startsWith("-"));
  if (unknown.length > 0) {
    // A tag never starts with "-", so anything that does is an option.
    console.error(`Unknown option(s): ${unknown.join(" ")} (a tag cannot start with "-")\n\n${USAGE}`);
    return 2;
  }
  if (positional.length !== 3) {
    console.error(
      `${positional.length < 3 ? `Missing argument(s): expected <workspace> <service> <tag>, got ${positional.length}` : `Unexpected argument(s): ${positional.slice(3).join(" ")}`}\n\n${USAGE}`,
    );
    return 2;
  }
  const [workspaceName, service, tag] = positional;
  const problem = imageTagProblem(tag);
  if (problem) {
    console.error(`Not a Docker tag: ${problem}`);
    return 2;
  }
  const { project, workspaces } = loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
  const workspace = workspaces.find((w) => w.name === workspaceName);
  if (!workspace) {
    console.error(`No workspace "${workspaceName}"; expected one of ${workspaces.map((w) => w.name).join(", ")}`);
    return 2;
  }
  if (!workspace.services.some((s) => s.name === service)) {
    console.error(
      `No service "${service}" in workspace ${workspace.name} (${workspace.file}); expected one of ${workspace.services.map((s) => s.name).join(", ")}`,
    );
    return 2;
  }

  const parameter = imageTagParameter(project.project, workspace.name, service);
  const config = await workspaceClientConfig(workspace, {
    assumeRole: !argv.includes("--no-assume-role"),
    sessionName: "npm-deploy-image",
  });
  const ssm = new SSMClient(config);
  console.log(`${parameter} in ${workspace.name} (account ${workspace.accountId}, ${workspace.region})`);
  const old = await readImageTag(ssm, parameter);
  if (old === undefined) {
    console.error(
      `The parameter ${parameter} does not exist. The stack creates it with the service's initialImageTag: ` +
        `deploy the workspace first (npx cdktf deploy ${workspace.name}).`,
    );
    return 3;
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
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
    process.exit(1);
  },
);
