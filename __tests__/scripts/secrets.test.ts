import { SECRET_ALPHABETS } from "../../src/config";
import { parseCommandLine } from "../../scripts/lib/cli";
import { ALPHABETS, describeError, generateSecretValue, SECRETS_COMMAND } from "../../scripts/lib/secrets";

describe("ALPHABETS", () => {
  test("alphanumeric is A-Z, a-z and 0-9", () => {
    expect(ALPHABETS.alphanumeric).toBe("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
  });

  test("hex is lower-case 0-9a-f", () => {
    expect(ALPHABETS.hex).toBe("0123456789abcdef");
  });

  test("base64url is alphanumeric plus - and _", () => {
    expect(ALPHABETS.base64url).toBe(`${ALPHABETS.alphanumeric}-_`);
  });

  test("printable is ASCII 33-126 without quotes, backslash and backtick", () => {
    expect(ALPHABETS.printable).toHaveLength(94 - 4);
    for (const c of ['"', "'", "\\", "`", " "]) expect(ALPHABETS.printable).not.toContain(c);
    for (const c of ALPHABETS.printable) {
      expect(c.charCodeAt(0)).toBeGreaterThanOrEqual(33);
      expect(c.charCodeAt(0)).toBeLessThanOrEqual(126);
    }
  });

  test("covers every alphabet the schema accepts, each without repeated characters", () => {
    expect(Object.keys(ALPHABETS).sort()).toEqual([...SECRET_ALPHABETS].sort());
    for (const chars of Object.values(ALPHABETS)) expect(new Set(chars).size).toBe(chars.length);
  });
});

describe("generateSecretValue", () => {
  test.each(SECRET_ALPHABETS.map((a) => [a]))(
    "%s: has the requested length and only characters of its alphabet",
    (alphabet) => {
      for (const length of [16, 48, 64, 4096]) {
        const value = generateSecretValue(length, alphabet);
        expect(value).toHaveLength(length);
        for (const c of value) expect(ALPHABETS[alphabet]).toContain(c);
      }
    },
  );

  test.each(SECRET_ALPHABETS.map((a) => [a]))("%s: two values differ", (alphabet) => {
    expect(generateSecretValue(48, alphabet)).not.toBe(generateSecretValue(48, alphabet));
  });

  // Alphabet sizes that do not divide 256 (62, 90) are the ones a plain `byte % size` would skew.
  test.each([["hex"], ["alphanumeric"], ["printable"]] as const)(
    "%s: every character appears within 20% of its expected share",
    (alphabet) => {
      const chars = ALPHABETS[alphabet];
      const total = 20_000 * Math.ceil(chars.length / 16);
      const counts = new Map<string, number>();
      for (const c of generateSecretValue(total, alphabet)) counts.set(c, (counts.get(c) ?? 0) + 1);
      const expected = total / chars.length;
      expect(counts.size).toBe(chars.length);
      for (const c of chars) {
        const n = counts.get(c) ?? 0;
        expect(n).toBeGreaterThanOrEqual(expected * 0.8);
        expect(n).toBeLessThanOrEqual(expected * 1.2);
      }
    },
  );

  test("rejects a length below 1", () => {
    expect(() => generateSecretValue(0, "hex")).toThrow(/positive integer/);
  });
});

describe("the command line", () => {
  const parse = (argv: string[]) => parseCommandLine(SECRETS_COMMAND, argv);

  test("reads the workspace and every option", () => {
    expect(parse(["dev", "--rotate", "--only", "web-session-key", "--no-assume-role"])).toEqual({
      positionals: ["dev"],
      values: { rotate: true, only: "web-session-key", "no-assume-role": true },
    });
    expect(parse(["--only=stripe-api-key", "dev"])).toEqual({
      positionals: ["dev"],
      values: { only: "stripe-api-key" },
    });
  });

  test("rejects a missing workspace, unknown options, extra arguments and --only without a name", () => {
    expect(() => parse([])).toThrow("Missing argument(s): <workspace>");
    expect(() => parse(["dev", "--force"])).toThrow("Unknown option '--force'");
    expect(() => parse(["dev", "prod"])).toThrow("Unexpected argument(s): prod");
    expect(() => parse(["dev", "--only"])).toThrow(/Option '--only <value>' argument missing/);
  });
});

describe("describeError", () => {
  test("keeps only the name and message, with any written value replaced", () => {
    const err = Object.assign(new Error("rejected value s3cr3t-value for acme/dev/x"), {
      name: "InvalidRequestException",
      $response: { body: "s3cr3t-value" },
    });
    expect(describeError(err, ["s3cr3t-value"])).toBe(
      "InvalidRequestException: rejected value [redacted] for acme/dev/x",
    );
  });
});
