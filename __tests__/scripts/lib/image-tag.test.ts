import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import {
  IMAGE_TAG_PATTERN,
  imageTagProblem,
  readImageTag,
  tagOfImage,
  writeImageTag,
} from "../../../scripts/lib/image-tag";

describe("imageTagProblem", () => {
  test.each(["latest", "v1.2.3", "2024-05-01_abc123", "_x", "A".repeat(128), "sha-0f3c2d1"])("accepts %p", (tag) => {
    expect(imageTagProblem(tag)).toBeUndefined();
  });

  test.each<[string, RegExp]>([
    ["", /empty/],
    ["A".repeat(129), /129 characters long; at most 128/],
    [".hidden", /starts with "\."/],
    ["-v1", /starts with "-"/],
    ["repo:v1", /looks like an image reference/],
    ["sha256@abc", /looks like an image reference/],
    ["v1 2", /not a Docker tag/],
    ["vé", /not a Docker tag/],
  ])("rejects %p", (tag, message) => {
    expect(imageTagProblem(tag)).toMatch(message);
    expect(IMAGE_TAG_PATTERN.test(tag)).toBe(false);
  });
});

describe("tagOfImage", () => {
  test.each<[string, string | undefined]>([
    ["222222222222.dkr.ecr.us-east-1.amazonaws.com/acme/dev/api:v3", "v3"],
    ["localhost:5000/app:1.0", "1.0"],
    ["localhost:5000/app", undefined],
    ["postgres", undefined],
    ["repo/app@sha256:abcd", undefined],
  ])("%s -> %p", (image, tag) => {
    expect(tagOfImage(image)).toBe(tag);
  });
});

describe("reading and writing the parameter", () => {
  function fakeSsm(answer: (command: unknown) => unknown) {
    const sent: unknown[] = [];
    const ssm = {
      send: async (command: unknown) => {
        sent.push(command);
        const result = answer(command);
        if (result instanceof Error) throw result;
        return result;
      },
    } as unknown as SSMClient;
    return { ssm, sent };
  }

  test("a missing parameter reads as undefined", async () => {
    const { ssm } = fakeSsm(() => new ParameterNotFound({ message: "not found", $metadata: {} }));
    await expect(readImageTag(ssm, "/acme/dev/api/IMAGE_TAG")).resolves.toBeUndefined();
  });

  test("other errors are not hidden", async () => {
    const { ssm } = fakeSsm(() => Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    await expect(readImageTag(ssm, "/acme/dev/api/IMAGE_TAG")).rejects.toThrow(/denied/);
  });

  test("reads the value", async () => {
    const { ssm, sent } = fakeSsm(() => ({ Parameter: { Value: "v2" } }));
    await expect(readImageTag(ssm, "/acme/dev/api/IMAGE_TAG")).resolves.toBe("v2");
    expect((sent[0] as GetParameterCommand).input).toEqual({ Name: "/acme/dev/api/IMAGE_TAG" });
  });

  test("writes a String parameter with Overwrite", async () => {
    const { ssm, sent } = fakeSsm(() => ({ Version: 4 }));
    await expect(writeImageTag(ssm, "/acme/dev/api/IMAGE_TAG", "v3")).resolves.toBe(4);
    expect(sent[0]).toBeInstanceOf(PutParameterCommand);
    expect((sent[0] as PutParameterCommand).input).toEqual({
      Name: "/acme/dev/api/IMAGE_TAG",
      Value: "v3",
      Type: "String",
      Overwrite: true,
    });
  });

  test("refuses to write something that is not a tag", async () => {
    const { ssm, sent } = fakeSsm(() => ({ Version: 4 }));
    await expect(writeImageTag(ssm, "/acme/dev/api/IMAGE_TAG", "repo:v3")).rejects.toThrow(/image reference/);
    expect(sent).toEqual([]);
  });
});
