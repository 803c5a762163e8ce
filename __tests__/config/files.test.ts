// The files themselves (src/config/files.ts and loadEnvironments): files that do not load, export the wrong thing,
// are named after another workspace or are not TypeScript are refused, each naming the file, with no stack trace.
import * as fs from "fs";
import * as path from "path";
import { ConfigError, loadEnvironments } from "../../src/config";
import { copyEnvironments } from "../../test/fixtures";

let dir: string;
let root: string;

beforeEach(() => {
  dir = copyEnvironments();
  root = path.dirname(dir);
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
const load = () => loadEnvironments(dir, root);
const fileIssue = (file: string, message: RegExp) =>
  new RegExp(
    `^environments/${file.replace(".", "\\.")} is not a valid configuration:\\n(?:  - .*\\n)*  - \\(file\\): ${message.source}`,
    "m",
  );

/** The message of the ConfigError `load` throws; fails on anything else. */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error("expected a ConfigError, but the environments loaded");
}

describe("a workspace file that is refused as a whole", () => {
  test("an empty file", () => {
    write("staging.ts", "");
    expect(load).toThrow(
      fileIssue(
        "staging.ts",
        /the file is empty \(it exports nothing\); expected `export default \{ \.\.\. \}` with the configuration object$/,
      ),
    );
  });

  test("a file with named exports only", () => {
    write("staging.ts", 'export const staging = { name: "staging" };\nexport const other = 1;\n');
    expect(load).toThrow(
      fileIssue(
        "staging.ts",
        /the file has no default export \(it exports staging, other\); expected `export default \{ \.\.\. \}`/,
      ),
    );
  });

  test.each([
    ["an array", "export default [{ name: 'staging' }];", "an array"],
    ["a string", "export default 'staging';", "a string"],
    ["null", "export default null;", "null"],
  ])("a default export that is %s", (_what, source, kind) => {
    write("staging.ts", `${source}\n`);
    expect(load).toThrow(
      fileIssue(
        "staging.ts",
        new RegExp(
          `the default export is ${kind}, not a configuration object; expected \`export default \\{ \\.\\.\\. \\}\` with one object$`,
        ),
      ),
    );
  });

  test("a default export that is a function", () => {
    write("staging.ts", "export default () => ({ name: 'staging' });\n");
    expect(load).toThrow(
      fileIssue(
        "staging.ts",
        /the default export is a function, not a configuration object \(export the object itself, not a function that returns it\)/,
      ),
    );
  });

  test("a syntax error, with the compiler's words and no stack trace", () => {
    write("staging.ts", 'export default {\n  name: "staging",\n  region: \n};\n');
    const message = messageOf(load);
    expect(message).toMatch(
      fileIssue(
        "staging.ts",
        /the file cannot be loaded: .*; fix the file so that `npx tsc --noEmit -p \.` accepts it$/,
      ),
    );
    expect(message).not.toMatch(/^\s+at /m);
    expect(message).not.toContain(dir);
  });

  test("an error thrown while the file runs, with its line", () => {
    write(
      "staging.ts",
      "const base = undefined as unknown as { name: string };\nexport default { name: base.name };\n",
    );
    const message = messageOf(load);
    expect(message).toMatch(
      fileIssue(
        "staging.ts",
        /the file cannot be loaded: TypeError: Cannot read properties of undefined \(reading 'name'\) \(environments\/staging\.ts:2:\d+\)/,
      ),
    );
    expect(message).not.toMatch(/^\s+at /m);
  });

  test("an import that does not resolve, without the loader's require stack", () => {
    write("staging.ts", 'import base from "./no-such-file";\nexport default base;\n');
    const message = messageOf(load);
    expect(message).toMatch(
      fileIssue("staging.ts", /the file cannot be loaded: Cannot find module '\.\/no-such-file'/),
    );
    expect(message).not.toContain("Require stack");
  });

  test("a bootstrap.ts that does not load stops there, before the workspaces", () => {
    write("bootstrap.ts", "export default 42;\n");
    expect(load).toThrow(fileIssue("bootstrap.ts", /the default export is a number, not a configuration object/));
  });
});

describe("a workspace file named after another workspace", () => {
  test("is refused, naming both names and both ways out", () => {
    fs.renameSync(path.join(dir, "dev.ts"), path.join(dir, "staging.ts"));
    expect(load).toThrow(
      /^environments\/staging\.ts is not a valid configuration:\n {2}- name: "dev" differs from the file name staging\.ts; a workspace file is named after its workspace: rename the file to dev\.ts, or set name: "staging"$/m,
    );
  });

  test("is reported together with the file's other problems", () => {
    const text = fs.readFileSync(path.join(dir, "dev.ts"), "utf8").replace('region: "us-east-1"', 'region: "mars"');
    fs.rmSync(path.join(dir, "dev.ts"));
    write("staging.ts", text);
    expect(load).toThrow(
      /environments\/staging\.ts is not a valid configuration:\n {2}- name: "dev" differs[^\n]*\n {2}- region: "mars"/,
    );
  });
});

describe("files that are not TypeScript", () => {
  test.each(["staging.json", "staging.js", "staging.yaml", "staging.mts"])(
    "%s is refused rather than ignored",
    (name) => {
      write(name, "{}\n");
      expect(load).toThrow(
        new RegExp(
          `^environments/${name.replace(".", "\\.")} is not a valid configuration:\\n {2}- \\(file\\): only TypeScript files \\(\\.ts\\) are read in this folder, so this file would be ignored; write it as staging\\.ts with \`export default \\{ \\.\\.\\. \\}\`, or move it out of the folder$`,
          "m",
        ),
      );
    },
  );

  test("a README, dotfiles, declaration files, backups and folders are left alone", () => {
    write("README.md", "# Environments\n");
    write(".gitkeep", "");
    write("types.d.ts", "export type X = string;\n");
    write("dev.ts.bak", "not read\n");
    fs.mkdirSync(path.join(dir, "archive"));
    expect(load().workspaces.map((w) => w.name)).toEqual(["dev", "prod"]);
  });
});

describe("several wrong files", () => {
  test("are all named in one error, each with its own issues", () => {
    write("qa.ts", "");
    write("staging.json", "{}");
    const dev = fs.readFileSync(path.join(dir, "dev.ts"), "utf8");
    write("dev.ts", dev.replace('region: "us-east-1"', 'region: "mars"'));
    let error: unknown;
    try {
      load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const files = (error as ConfigError).errors.map((e) => e.file);
    expect(files.sort()).toEqual(["environments/dev.ts", "environments/qa.ts", "environments/staging.json"]);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/environments\/dev\.ts is not a valid configuration:\n {2}- region: "mars"/);
    expect(message).toMatch(/environments\/qa\.ts is not a valid configuration:\n {2}- \(file\): the file is empty/);
    expect(message.split("\n\n")).toHaveLength(3);
  });
});

test("a folder without bootstrap.ts says that the folder is missing too, when it is", () => {
  expect(() => loadEnvironments(path.join(root, "nowhere"), root)).toThrow(
    /^nowhere\/bootstrap\.ts is not a valid configuration:\n {2}- \(file\): the file is missing \(the folder nowhere does not exist either\); it holds the project name/,
  );
});
