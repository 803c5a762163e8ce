// A wrong environment file under the documented commands: the app itself (what cdktf.json and `npm run synth` run) and
// `npx cdktf synth`. The message is printed once, without a stack trace, the run fails, and no stack of an earlier
// synth is left in the output folder (src/config/synth-refusal.ts explains how).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { bin, PROJECT_ROOT } from "../../scripts/lib/paths";
import { terraformEnv } from "../../scripts/lib/terraform";
import { REFUSAL_STACK } from "../../src/config/synth-refusal";
import { copyEnvironments } from "../../test/fixtures";

// Each run starts node with tsx and loads cdktf; the CLI run also starts the CLI itself.
jest.setTimeout(60_000);

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
const count = (text: string, needle: string) => text.split(needle).length - 1;

let environments: string;
let outdir: string;

beforeEach(() => {
  environments = copyEnvironments();
  const dev = path.join(environments, "dev.ts");
  fs.writeFileSync(dev, fs.readFileSync(dev, "utf8").replace('region: "us-east-1"', 'region: "mars"'));
  fs.writeFileSync(path.join(environments, "staging.json"), "{}\n");
  // What an earlier, good synth left behind.
  outdir = path.join(path.dirname(environments), "cdktf.out");
  for (const stack of ["bootstrap", "dev", "prod"]) {
    fs.mkdirSync(path.join(outdir, "stacks", stack), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "{}\n");
  }
  fs.writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: {} }));
});

afterEach(() => {
  fs.rmSync(path.dirname(environments), { recursive: true, force: true });
});

test("npx tsx main.ts prints the message once on stderr, without a stack trace, removes the stale stacks and exits 1", () => {
  const run = spawnSync(bin("tsx"), ["main.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ENVIRONMENTS_DIR: environments, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });

  expect(run.status).toBe(1);
  expect(run.stdout).toBe("");
  expect(count(run.stderr, "environments/dev.ts is not a valid configuration:")).toBe(1);
  expect(run.stderr).toMatch(/^ {2}- region: "mars" is not a known AWS region; expected one of us-east-1, /m);
  expect(count(run.stderr, "environments/staging.json is not a valid configuration:")).toBe(1);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(fs.existsSync(path.join(outdir, "stacks"))).toBe(false);
  expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(false);
});

test("npx cdktf synth prints the message once, without a stack trace, fails, and keeps no stale stack", () => {
  const run = spawnSync(bin("cdktf"), ["synth", "--output", outdir], {
    cwd: PROJECT_ROOT,
    env: terraformEnv({ ...process.env, ENVIRONMENTS_DIR: environments, CI: "1" }),
    encoding: "utf8",
  });
  const output = plain(`${run.stdout}\n${run.stderr}`);

  expect(run.status).not.toBe(0);
  expect(count(output, "environments/dev.ts is not a valid configuration:")).toBe(1);
  expect(count(output, `- region: "mars" is not a known AWS region`)).toBe(1);
  expect(output).toMatch(
    new RegExp(`^ERROR \\[${REFUSAL_STACK}\\]: .*environments/staging\\.json is not a valid configuration:$`, "m"),
  );
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toContain("cdktf encountered an error while synthesizing");
  // The CLI removed the earlier stacks; what is left carries the refusal, so a deploy with --skip-synth refuses too.
  expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual([REFUSAL_STACK]);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { annotations: { level: string; message: string }[] }>;
  };
  expect(Object.keys(manifest.stacks)).toEqual([REFUSAL_STACK]);
  expect(manifest.stacks[REFUSAL_STACK].annotations).toEqual([
    { constructPath: REFUSAL_STACK, level: "@cdktf/error", message: expect.stringContaining("dev.ts is not a valid") },
  ]);
});

test("a security finding, run by the app alone, is printed once without a stack trace, fails, and keeps no stale stack", () => {
  const unwaived = copyEnvironments();
  try {
    const dev = path.join(unwaived, "dev.ts");
    const text = fs.readFileSync(dev, "utf8");
    const withoutWaiver = text.replace(/\n\s*\{\n\s*control: "RDS\.5",[\s\S]*?\n\s*\},/, "");
    expect(withoutWaiver).not.toBe(text);
    fs.writeFileSync(dev, withoutWaiver);
    const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ENVIRONMENTS_DIR: unwaived, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(count(run.stderr, "the dev stack breaks the security controls checked at synth")).toBe(1);
    expect(run.stderr).toMatch(/^ {2}- RDS\.5 aws_db_instance\.\S+: runs in a single Availability Zone$/m);
    expect(run.stderr).not.toContain("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(outdir, "stacks"))).toBe(false);
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(false);
  } finally {
    fs.rmSync(path.dirname(unwaived), { recursive: true, force: true });
  }
});

test("a good configuration still synthesizes every stack", () => {
  const good = copyEnvironments();
  try {
    const run = spawnSync(bin("tsx"), ["main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ENVIRONMENTS_DIR: good, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["bootstrap", "dev", "prod"]);
  } finally {
    fs.rmSync(path.dirname(good), { recursive: true, force: true });
  }
});
