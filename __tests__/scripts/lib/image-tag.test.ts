import { IMAGE_TAG_PATTERN, imageTagProblem } from "../../../scripts/lib/image-tag";

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
