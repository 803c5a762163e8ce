import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT, parseArgs, readPriceBook, runCostCommand, USAGE } from "../../scripts/lib/cost";
import { CostEstimate } from "../../src/lib/cost";
import { PROJECT_ROOT } from "../../test/stacks";

/** Runs `npm run cost -- <argv>` in process and returns what it printed. */
function run(argv: string[], env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCostCommand(argv, { env, out: (t) => out.push(t), err: (t) => err.push(t) }, PROJECT_ROOT);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("parseArgs", () => {
  test("reads the workspace and the format", () => {
    expect(parseArgs(["dev"])).toEqual({ help: false, workspace: "dev", format: "text" });
    expect(parseArgs(["--markdown", "prod"])).toEqual({ help: false, workspace: "prod", format: "markdown" });
    expect(parseArgs(["dev", "--json"])).toEqual({ help: false, workspace: "dev", format: "json" });
  });

  test("--help wins over anything else", () => {
    expect(parseArgs(["dev", "--bogus", "-h"])).toEqual({ help: true });
  });

  test("refuses a missing workspace, a second one, unknown options and two formats", () => {
    expect(parseArgs([])).toEqual({ error: "Missing the workspace" });
    expect(parseArgs(["dev", "prod"])).toEqual({ error: "Unexpected argument(s): prod" });
    expect(parseArgs(["dev", "--csv"])).toEqual({ error: "Unknown option(s): --csv" });
    expect(parseArgs(["dev", "--json", "--markdown"])).toEqual({
      error: "Give one of --markdown and --json, not both",
    });
  });
});

describe("readPriceBook", () => {
  test("reads data/prices/<region>.json", () => {
    const prices = readPriceBook("us-east-1", PROJECT_ROOT);
    expect(prices.file).toBe("data/prices/us-east-1.json");
    expect(prices.recorded).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test("a region without recorded prices names the file to create", () => {
    expect(() => readPriceBook("eu-west-1", PROJECT_ROOT)).toThrow(
      /^No prices recorded for eu-west-1: data\/prices\/eu-west-1\.json does not exist; record the region's prices there/,
    );
  });
});

describe("npm run cost", () => {
  test("--help prints the usage with the exit codes and exits 0", () => {
    const result = run(["--help"]);
    expect(result).toMatchObject({ code: EXIT.printed, out: USAGE });
    expect(USAGE).toMatch(/Exit codes:\n {2}0 {2}printed\n {2}1 .*\n.*\n {2}2 {2}usage error or unknown workspace/);
  });

  test("a usage error prints the problem and the usage and exits 2", () => {
    const result = run(["dev", "--csv"]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toBe(`Unknown option(s): --csv\n\n${USAGE}`);
  });

  test("an unknown workspace exits 2 and lists the valid ones", () => {
    expect(run(["staging"])).toEqual({
      code: EXIT.usage,
      out: "",
      err: 'No workspace "staging"; expected one of dev, prod',
    });
  });

  test("prints the table, the prices' date and source, and the assumptions", () => {
    const { code, out } = run(["dev"]);
    expect(code).toBe(EXIT.printed);
    expect(out).toMatch(/^dev: estimated monthly cost in us-east-1\n/);
    expect(out).toMatch(/\nTotal +\$\d[\d,]*\.\d\d\n/);
    expect(out).toMatch(
      /Prices: AWS on-demand list prices for us-east-1 recorded \d{4}-\d{2}-\d{2} in data\/prices\/us-east-1\.json/,
    );
    expect(out).toContain("  https://aws.amazon.com/vpc/pricing/");
    expect(out).toContain("Usage assumptions (estimates, not measurements):");
  });

  test("--json prints the estimate, whose total is the sum of its lines", () => {
    const { code, out } = run(["prod", "--json"]);
    expect(code).toBe(EXIT.printed);
    const estimate = JSON.parse(out) as CostEstimate;
    expect(estimate.workspace).toBe("prod");
    expect(estimate.prices.file).toBe("data/prices/us-east-1.json");
    expect(estimate.totalUsd).toBeCloseTo(
      estimate.lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
      9,
    );
  });

  test("reads the environments from ENVIRONMENTS_DIR, as cdktf synth does", () => {
    const { code, err } = run(["dev"], { ENVIRONMENTS_DIR: path.join(PROJECT_ROOT, "no-such-environments") });
    expect(code).toBe(EXIT.failed);
    expect(err).toMatch(
      /^no-such-environments\/bootstrap\.ts is not a valid configuration:\n {2}- \(file\): the file is missing/,
    );
  });

  describe("with a copy of environments/", () => {
    let dir: string;

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-environments-"));
      fs.cpSync(path.join(PROJECT_ROOT, "environments"), dir, { recursive: true });
    });

    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test("an EC2 instance type without a recorded price exits 1, naming the price file to extend", () => {
      const devFile = path.join(dir, "dev.ts");
      const dev = fs.readFileSync(devFile, "utf8");
      const withEc2 = dev.replace("execEnabled: true,", 'execEnabled: true,\n    ec2: { instanceType: "m5.large" },');
      expect(withEc2).not.toBe(dev);
      fs.writeFileSync(devFile, withEc2);
      const { code, out, err } = run(["dev"], { ENVIRONMENTS_DIR: dir });
      expect(code).toBe(EXIT.failed);
      expect(out).toBe("");
      expect(err).toMatch(
        /^No on-demand price for EC2 instance type "m5\.large" \(cluster\.ec2\.instanceType in .*dev\.ts\) in data\/prices\/us-east-1\.json; add it under ec2\.instanceHour/,
      );
    });
  });

  test.each([["dev"], ["prod"]])("the README's %s estimate is what npm run cost prints with --markdown", (name) => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    const block = new RegExp(`<!-- cost:${name} -->\\n([\\s\\S]*?)\\n<!-- /cost:${name} -->`).exec(readme);
    expect(block).not.toBeNull();
    const { code, out } = run([name, "--markdown"]);
    expect(code).toBe(EXIT.printed);
    expect(block![1]).toBe(out);
  });
});
