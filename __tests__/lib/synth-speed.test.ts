import { Lazy } from "cdktf";
import { debuggingAsked, speedUpSynth } from "../../src/lib/synth-speed";

/** The creation trace CDKTF keeps for a new token (what its "Object creation stack" error prints). */
function creationTrace(): string[] {
  return Lazy.anyValue({ produce: () => "x" }).creationStack;
}

describe("speedUpSynth", () => {
  const sourceMaps = process.sourceMapsEnabled;
  afterEach(() => process.setSourceMapsEnabled(sourceMaps));

  it("turns token creation traces and source maps off, and back on", () => {
    process.setSourceMapsEnabled(true);
    expect(creationTrace().length).toBeGreaterThan(0);
    const restore = speedUpSynth({ execArgv: [], nodeOptions: "" });
    try {
      expect(creationTrace()).toEqual([]);
      expect(process.sourceMapsEnabled).toBe(false);
    } finally {
      restore();
    }
    expect(creationTrace().length).toBeGreaterThan(0);
    expect(process.sourceMapsEnabled).toBe(true);
  });

  it.each([
    [["--enable-source-maps"], ""],
    [[], "--max-old-space-size=4096 --enable-source-maps"],
  ])("leaves both on when source maps are asked for (%j, NODE_OPTIONS %j)", (execArgv, nodeOptions) => {
    process.setSourceMapsEnabled(true);
    expect(debuggingAsked({ execArgv, nodeOptions })).toBe(true);
    const restore = speedUpSynth({ execArgv, nodeOptions });
    try {
      expect(creationTrace().length).toBeGreaterThan(0);
      expect(process.sourceMapsEnabled).toBe(true);
    } finally {
      restore();
    }
  });
});
