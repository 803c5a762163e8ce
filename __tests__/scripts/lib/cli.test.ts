import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { ConfigError } from "../../../src/config";
import {
  CommandFailure,
  CommandIo,
  findService,
  findWorkspace,
  loadProjectEnvironments,
  OPERATOR_OPTIONS,
  operatorClientConfig,
  parseCommandLine,
  refreshingRoleCredentials,
  runCommand,
  UsageError,
} from "../../../scripts/lib/cli";
import { PROJECT_ROOT } from "../../../scripts/lib/paths";
import { ToolMissingError } from "../../../scripts/lib/terraform";

const SPEC = {
  usage: "Usage: npm run thing -- <workspace> [service] [--flag] [--count N]\n\nMore text.",
  positionals: ["workspace", "service"],
  required: 1,
  options: { flag: { type: "boolean" }, count: { type: "string", default: "3" } },
} as const;

function capture(): CommandIo & { out: jest.Mock; err: jest.Mock } {
  return { out: jest.fn(), err: jest.fn() };
}

describe("parseCommandLine", () => {
  test("reads positionals, flags and option values with their defaults", () => {
    expect(parseCommandLine(SPEC, ["dev", "api", "--flag"])).toEqual({
      positionals: ["dev", "api"],
      values: { flag: true, count: "3" },
    });
    expect(parseCommandLine(SPEC, ["--count=7", "dev"]).values.count).toBe("7");
  });

  test("a missing required positional names it", () => {
    expect(() => parseCommandLine(SPEC, [])).toThrow(new UsageError("Missing argument(s): <workspace>"));
  });

  test("an extra positional is refused", () => {
    expect(() => parseCommandLine(SPEC, ["dev", "api", "more"])).toThrow("Unexpected argument(s): more");
  });

  test("an unknown option is refused without Node's hint about '--'", () => {
    expect(() => parseCommandLine(SPEC, ["dev", "--force"])).toThrow(/^Unknown option '--force'$/);
  });
});

describe("runCommand", () => {
  test("--help prints the usage and exits 0 without running the command", async () => {
    const io = capture();
    const command = jest.fn();
    await expect(runCommand(SPEC, ["--help"], command, io)).resolves.toBe(0);
    expect(io.out).toHaveBeenCalledWith(SPEC.usage);
    expect(command).not.toHaveBeenCalled();
  });

  test("a usage error prints the message and the usage line, and exits 2", async () => {
    const io = capture();
    await expect(runCommand(SPEC, [], jest.fn(), io)).resolves.toBe(2);
    expect(io.err).toHaveBeenCalledWith(
      "Missing argument(s): <workspace>\nUsage: npm run thing -- <workspace> [service] [--flag] [--count N]  (--help for details)",
    );
  });

  test("an invalid environment file prints the loader's message once and exits 2", async () => {
    const io = capture();
    const error = new ConfigError("environments/dev.ts", [{ field: "name", message: "bad" }]);
    await expect(runCommand(SPEC, ["dev"], () => Promise.reject(error), io)).resolves.toBe(2);
    expect(io.err.mock.calls).toEqual([[error.message]]);
  });

  test("a missing tool exits 2 with its message", async () => {
    const io = capture();
    await expect(
      runCommand(SPEC, ["dev"], () => Promise.reject(new ToolMissingError("terraform was not found")), io),
    ).resolves.toBe(2);
    expect(io.err).toHaveBeenCalledWith("terraform was not found");
  });

  test("a CommandFailure exits with its own code", async () => {
    const io = capture();
    await expect(
      runCommand(SPEC, ["dev"], () => Promise.reject(new CommandFailure("no such tag", 3)), io),
    ).resolves.toBe(3);
    expect(io.err).toHaveBeenCalledWith("no such tag");
  });

  test("any other error is one line with its name, and exit 1", async () => {
    const io = capture();
    const sdkError = Object.assign(new Error("User is not authorized"), {
      name: "AccessDeniedException",
      $response: {},
    });
    await expect(runCommand(SPEC, ["dev"], () => Promise.reject(sdkError), io)).resolves.toBe(1);
    expect(io.err.mock.calls).toEqual([["AccessDeniedException: User is not authorized"]]);
  });

  test("the command's own exit code is returned", async () => {
    await expect(runCommand(SPEC, ["dev"], () => 5, capture())).resolves.toBe(5);
  });
});

describe("workspaces and services", () => {
  const environments = loadProjectEnvironments({});

  test("an unknown workspace lists the ones there are", () => {
    const names = environments.workspaces.map((w) => w.name).join(", ");
    expect(() => findWorkspace(environments, "nope")).toThrow(
      new UsageError(`No workspace "nope"; expected one of ${names}`),
    );
  });

  test("an unknown service lists the workspace's services and its file", () => {
    const ws = environments.workspaces[0];
    expect(() => findService(ws, "nope")).toThrow(
      `No service "nope" in workspace ${ws.name} (${ws.file}); expected one of ${ws.services.map((s) => s.name).join(", ")}`,
    );
  });

  test("ENVIRONMENTS_DIR is honoured, as main.ts honours it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "envs-"));
    try {
      for (const file of fs.readdirSync(path.join(PROJECT_ROOT, "environments"))) {
        const source = fs.readFileSync(path.join(PROJECT_ROOT, "environments", file), "utf8");
        fs.writeFileSync(
          path.join(dir, file),
          source.replace('"../src/config"', JSON.stringify(path.join(PROJECT_ROOT, "src/config"))),
        );
      }
      const dev = fs.readFileSync(path.join(dir, "dev.ts"), "utf8");
      fs.writeFileSync(
        path.join(dir, "staging.ts"),
        dev
          .replace('name: "dev"', 'name: "staging"')
          .replace('accountId: "222222222222"', 'accountId: "444444444444"')
          .replace(/10\.10\./g, "10.30.")
          .replace(/peerWith: \[[^\]]*\]/, "peerWith: []"),
      );
      const loaded = loadProjectEnvironments({ ENVIRONMENTS_DIR: dir });
      expect(findWorkspace(loaded, "staging").file).toBe(path.relative(PROJECT_ROOT, path.join(dir, "staging.ts")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("operator commands", () => {
  const spec = { usage: "Usage: npm run thing -- <workspace>", positionals: ["workspace"], options: OPERATOR_OPTIONS };
  const ws = loadProjectEnvironments({}).workspaces[0];

  test("take --as-operator and --no-assume-role, the operator role off by default", () => {
    expect(parseCommandLine(spec, ["dev"]).values["as-operator"]).toBe(false);
    const { values } = parseCommandLine(spec, ["dev", "--as-operator", "--no-assume-role"]);
    expect(values).toEqual({ "as-operator": true, "no-assume-role": true });
  });

  test("use the caller's own credentials with --no-assume-role, even with --as-operator", () => {
    expect(operatorClientConfig(ws, { "no-assume-role": true, "as-operator": true }, "s")).toEqual({
      region: ws.region,
    });
  });

  test("assume a role of the workspace's account otherwise", () => {
    const config = operatorClientConfig(ws, { "as-operator": true }, "s");
    expect(config.region).toBe(ws.region);
    expect(typeof config.credentials).toBe("function");
  });
});

describe("refreshingRoleCredentials", () => {
  const HOUR = 3600 * 1000;

  function fakeSts(expiresIn: number, clock: { now: number }) {
    let issued = 0;
    const send = jest.fn(async (command: AssumeRoleCommand) => {
      issued += 1;
      expect(command.input).toEqual({ RoleArn: "arn:aws:iam::222222222222:role/deploy", RoleSessionName: "test" });
      return {
        Credentials: {
          AccessKeyId: `AKIA${issued}`,
          SecretAccessKey: "secret",
          SessionToken: "token",
          Expiration: new Date(clock.now + expiresIn),
        },
      };
    });
    return { send } as unknown as { send: jest.Mock };
  }

  test("hands out the same credentials while they are fresh", async () => {
    const clock = { now: 0 };
    const sts = fakeSts(HOUR, clock);
    const provider = refreshingRoleCredentials(sts, "arn:aws:iam::222222222222:role/deploy", "test", () => clock.now);
    const first = await provider();
    clock.now += 30 * 60 * 1000;
    expect(await provider()).toBe(first);
    expect(sts.send).toHaveBeenCalledTimes(1);
  });

  test("assumes the role again five minutes before they expire", async () => {
    const clock = { now: 0 };
    const sts = fakeSts(HOUR, clock);
    const provider = refreshingRoleCredentials(sts, "arn:aws:iam::222222222222:role/deploy", "test", () => clock.now);
    expect((await provider()).accessKeyId).toBe("AKIA1");
    clock.now += HOUR - 4 * 60 * 1000;
    expect((await provider()).accessKeyId).toBe("AKIA2");
    expect(sts.send).toHaveBeenCalledTimes(2);
  });

  test("a failed attempt is retried on the next call instead of being cached", async () => {
    const clock = { now: 0 };
    const sts = fakeSts(HOUR, clock);
    sts.send.mockRejectedValueOnce(new Error("throttled"));
    const provider = refreshingRoleCredentials(sts, "arn:aws:iam::222222222222:role/deploy", "test", () => clock.now);
    await expect(provider()).rejects.toThrow("throttled");
    expect((await provider()).accessKeyId).toBe("AKIA1");
    expect(sts.send).toHaveBeenCalledTimes(2);
  });
});
