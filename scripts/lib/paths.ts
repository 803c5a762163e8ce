import * as path from "path";

/** The project root (this file is scripts/lib/paths.ts). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** Scratch space for local runs; git-ignored. */
export const LOCAL_DIR = path.join(PROJECT_ROOT, ".local");
