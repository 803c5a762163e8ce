import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";

/**
 * The deployed image tag of a service lives in an SSM String parameter (naming.ts, imageTagParameter). The stack
 * creates it with the service's initialImageTag and reads it on every plan; `npm run deploy-image` writes it, and
 * `npm run task` compares it with what a task definition runs.
 */

/** A Docker tag: up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`. */
export const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Why a string is not a usable image tag, or undefined when it is one. */
export function imageTagProblem(tag: string): string | undefined {
  if (IMAGE_TAG_PATTERN.test(tag)) return undefined;
  if (tag === "") return "the tag is empty";
  if (tag.length > 128) return `the tag is ${tag.length} characters long; at most 128 are allowed`;
  if (/^[.-]/.test(tag)) return `"${tag}" starts with "${tag[0]}"; a tag starts with a letter, digit or _`;
  if (tag.includes(":") || tag.includes("/") || tag.includes("@")) {
    return `"${tag}" looks like an image reference; give only the tag (the part after ":")`;
  }
  return `"${tag}" is not a Docker tag; expected up to 128 of letters, digits, _ . -`;
}

type SsmSender = Pick<SSMClient, "send">;

/** The parameter's value, or undefined when the parameter does not exist. */
export async function readImageTag(ssm: SsmSender, parameterName: string): Promise<string | undefined> {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: parameterName }));
    return Parameter?.Value;
  } catch (err) {
    if (err instanceof ParameterNotFound || (err as Error).name === "ParameterNotFound") return undefined;
    throw err;
  }
}

/** Overwrites the parameter with a new tag; returns the parameter's new version. */
export async function writeImageTag(ssm: SsmSender, parameterName: string, tag: string): Promise<number | undefined> {
  const problem = imageTagProblem(tag);
  if (problem) throw new Error(problem);
  const { Version } = await ssm.send(
    new PutParameterCommand({ Name: parameterName, Value: tag, Type: "String", Overwrite: true }),
  );
  return Version;
}

/** The tag of an image reference (`repo:tag`, `host:port/repo:tag`); undefined for a digest or no tag. */
export function tagOfImage(image: string): string | undefined {
  if (image.includes("@")) return undefined;
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastPart.lastIndexOf(":");
  return colon === -1 ? undefined : lastPart.slice(colon + 1);
}
