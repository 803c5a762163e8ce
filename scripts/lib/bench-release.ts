import { createHash } from "crypto";
import { PutImageCommand, ECRClient } from "@aws-sdk/client-ecr";
import type { Environments } from "../../src/config";
import { findService, findWorkspace, workspaceClientConfig } from "./cli";
import { releaseClients } from "./release-command";
import { releaseImage, releaseTarget, RELEASE_EXIT } from "./release";

export interface TimedRelease {
  readonly tag: string;
  /** From the command's start (tag lookup) to the deployment reported COMPLETED. */
  readonly seconds: number;
  readonly exitCode: number;
}

/**
 * Pushes a manifest-only image to a deployed service's repository and releases it the way `npm run release` does,
 * waiting for the rollout; returns how long the release took. The caller's environment must point the SDK at the
 * emulator (see emulatorEnv) with the workspace deployed.
 */
export async function timeRelease(
  environments: Environments,
  workspaceName: string,
  serviceName: string,
  log: (line: string) => void = () => undefined,
): Promise<TimedRelease> {
  const workspace = findWorkspace(environments, workspaceName);
  const service = findService(workspace, serviceName);
  const target = releaseTarget(environments.project.project, workspace, service);
  const config = workspaceClientConfig(workspace, { assumeRole: true, sessionName: "bench-release" });
  const tag = `bench-${Date.now()}`;
  // The emulator derives an image's digest from its layers, so the layer is what makes this image new.
  const layer = createHash("sha256").update(tag).digest("hex");
  await new ECRClient(config).send(
    new PutImageCommand({
      repositoryName: target.repository,
      imageTag: tag,
      imageManifest: JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        config: { mediaType: "application/vnd.docker.container.image.v1+json", size: 2, digest: `sha256:${layer}` },
        layers: [
          { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: 2, digest: `sha256:${layer}` },
        ],
      }),
    }),
  );
  const started = Date.now();
  const result = await releaseImage({
    clients: releaseClients(config),
    target,
    tag,
    kind: "release",
    wait: true,
    timeoutSeconds: service.deployment.rolloutTimeoutMinutes * 60,
    log,
  });
  const seconds = (Date.now() - started) / 1000;
  if (result.exitCode !== RELEASE_EXIT.completed) log(`release of ${tag} ended with exit ${result.exitCode}`);
  return { tag, seconds, exitCode: result.exitCode };
}
