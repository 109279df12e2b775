/**
 * Wires the backup runners into the program: one per host that has volumes to
 * back up, mounting the volume resources the services created.
 */
import type * as docker from "@pulumi/docker";
import type * as pulumi from "@pulumi/pulumi";
import { BackupRunner } from "../../components/backupRunner";
import type { HomelabModel } from "../model";
import type { HomelabNetwork } from "../../components/homelabNetwork";
import type { Built } from "../program";
import { BACKUP_CONTAINERS, hooksHosts, runnerHosts, type BackupsModel } from "./model";
import { repositoryEnvironment } from "./repository";
import { backupScript } from "./scripts";

export const PUSHGATEWAY_PORT = 9091;

/** The generated script for one host. */
export function hostScript(b: BackupsModel, host: string): string {
  const targets = b.targets.filter((t) => t.host === host);
  const hooks = hooksHosts(b).has(host);
  return backupScript({
    host,
    volumes: targets.flatMap((t) => t.volumes),
    retention: b.retention,
    schedule: b.schedule,
    drillSchedule: b.drillSchedule,
    drillReadData: b.drillReadData,
    runnerContainer: BACKUP_CONTAINERS.runner,
    hooks: hooks ? targets : [],
  });
}

/**
 * Where a host's runner pushes metrics: the Pushgateway runs beside Prometheus,
 * reached by container name, so only a runner on the monitoring host can push.
 */
export function pushgatewayUrl(model: HomelabModel, host: string, monitoringHost: string): string | undefined {
  return model.features.monitoring && host === monitoringHost ? `http://${BACKUP_CONTAINERS.pushgateway}:${PUSHGATEWAY_PORT}` : undefined;
}

export interface BackupPlacement {
  /** The host running Prometheus (and the Pushgateway). */
  readonly monitoringHost: string;
  /** The default network on a host; the program creates it on every runner host. */
  readonly network: (host: string) => HomelabNetwork;
}

export function buildBackups(model: HomelabModel, b: BackupsModel, built: Built, place: BackupPlacement): Map<string, BackupRunner> {
  const runners = new Map<string, BackupRunner>();
  const env = repositoryEnvironment(b.repository, b.password);
  const hooks = hooksHosts(b);
  for (const host of runnerHosts(b)) {
    const shared: Record<string, docker.Volume> = {};
    for (const s of model.services.filter((x) => x.host === host)) Object.assign(shared, built.services.get(s.key)?.volumes ?? {});
    const network = place.network(host);
    runners.set(
      host,
      new BackupRunner(`${host}-backup`, {
        stack: model.stack,
        host,
        provider: built.hosts.get(host)!.provider,
        network: model.defaultNetwork,
        networkName: network.networkName as pulumi.Input<string>,
        volumes: b.targets.filter((t) => t.host === host).flatMap((t) => t.volumes),
        sharedVolumes: shared,
        excluded: b.excluded[host] ?? [],
        script: hostScript(b, host),
        repository: env,
        hooks: hooks.has(host),
        pushgatewayUrl: pushgatewayUrl(model, host, place.monitoringHost),
        restart: model.profile.restart,
        logMaxSize: model.profile.logMaxSize,
        logMaxFiles: model.profile.logMaxFiles,
      }),
    );
  }
  return runners;
}
