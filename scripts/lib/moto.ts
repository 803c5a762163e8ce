import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { PROJECT_ROOT } from "./paths";
import { which } from "./process";
import { ToolMissingError } from "./terraform";

/** moto's server plus the project's fixes for gaps in moto 5.x (see the file's header). */
export const MOTO_LAUNCHER = path.join(PROJECT_ROOT, "tools", "moto", "server.py");
const MIN_MOTO_VERSION = "5.1";

export const MOTO_INSTALL_HINT =
  "Install the moto AWS emulator with its server (>= 5.1), in a way your system's Python allows: " +
  "`pipx install 'moto[server]'` (Debian/Ubuntu: `apt-get install pipx` first), or a virtual environment " +
  "`python3 -m venv ~/.venvs/moto && ~/.venvs/moto/bin/pip install 'moto[server]'`. " +
  "The emulator's Python is found from MOTO_PYTHON, else from the `moto_server` on PATH (pipx and venvs put it " +
  "there), else python3.";

/** Only loopback: the emulator is never exposed beyond this machine. */
export const MOTO_HOST = "127.0.0.1";
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface MotoServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the server; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * The Python that has moto: MOTO_PYTHON; else the interpreter of `moto_server` on PATH (its `#!` line: pipx and
 * virtual environments install it next to their own Python); else python3.
 */
export function motoPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MOTO_PYTHON) return env.MOTO_PYTHON;
  const server = which("moto_server", env);
  if (server) {
    const shebang = /^#!\s*(\S+)/.exec(fs.readFileSync(server, "utf8").split("\n", 1)[0]);
    if (shebang && /\/python[0-9.]*$/.test(shebang[1]) && fs.existsSync(shebang[1])) return shebang[1];
  }
  return which("python3", env);
}

/** Checks that the emulator's Python can import moto's server; returns that Python's path and moto's version. */
export function requireMoto(env: NodeJS.ProcessEnv = process.env): { python: string; version: string } {
  const python = motoPython(env);
  if (!python) throw new ToolMissingError(`python3 was not found on PATH; moto needs it. ${MOTO_INSTALL_HINT}`);
  const probe = spawnSync(python, ["-c", "import moto, moto.server, werkzeug; print(moto.__version__)"], {
    env,
    encoding: "utf8",
  });
  if (probe.status !== 0) {
    throw new ToolMissingError(`${python} cannot import moto's server (moto[server]). ${MOTO_INSTALL_HINT}`);
  }
  const version = probe.stdout.trim();
  if (Number.parseFloat(version) < Number.parseFloat(MIN_MOTO_VERSION)) {
    throw new ToolMissingError(`moto ${version} is older than ${MIN_MOTO_VERSION}. ${MOTO_INSTALL_HINT}`);
  }
  return { python, version };
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, MOTO_HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface StartMotoOptions {
  /** Extra environment for the server (e.g. MOTO_* settings). */
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

/**
 * Starts moto_server on a free loopback port and waits until it answers. The process is killed by `stop()` and,
 * as a last resort, when this Node.js process exits.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const { python } = requireMoto();
  const port = await freePort();
  const child = spawn(python, [MOTO_LAUNCHER, "-H", MOTO_HOST, "-p", String(port)], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const endpoint = `http://${MOTO_HOST}:${port}`;
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", killOnExit);
    await terminate(child);
  };

  try {
    await waitUntilUp(endpoint, child);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\nmoto server output:\n${output.join("").slice(-4000)}`, { cause: err });
  }
  options.log?.(`moto server (pid ${child.pid}) is up at ${endpoint}`);
  return { endpoint, port, pid: child.pid ?? -1, stop };
}

async function waitUntilUp(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the moto server exited with ${child.exitCode} before it was up`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the moto server did not answer at ${endpoint} within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Environment that points AWS SDKs, the AWS provider and the S3 backend at the emulator. */
export function emulatorEnv(endpoint: string, region: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: "true",
  };
  // Anything that could send the SDKs to a real account instead.
  for (const key of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"])
    delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith("AWS_ENDPOINT_URL_")) delete env[key];
  return env;
}
