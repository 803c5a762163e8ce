/** What an image tag may be, checked before a release looks for it in a repository. */

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
