import * as path from "path";

/** The project root (this file is scripts/lib/paths.ts). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** A tool installed by `npm ci` (node_modules/.bin). */
export function bin(name: string): string {
  return path.join(PROJECT_ROOT, "node_modules", ".bin", name);
}

/** Scratch space for local runs; git-ignored. */
export const LOCAL_DIR = path.join(PROJECT_ROOT, ".local");
