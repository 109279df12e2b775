/**
 * BackupRunner alone: one host's runner (restic, the volumes read-only, the repository password as a
 * secret, no Docker socket) and, when a service there must be stopped or exec'd into, the hooks container
 * (the socket, no secret, no data). These inputs are what decides whether a backup can run, what it reads,
 * and who holds the keys.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { BackupRunner } from "../../components/backupRunner";
import type { RecordedResource } from "../../infra/plan/evaluate";
import { named, recordByUrn, secret, type Recorded } from "./support";

const STACK_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack::homelab-unit";
const NAS_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:backups:BackupRunner::nas-backup";
const PI_URN = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$homelab:backups:BackupRunner::pi-backup";
const NAS_PROVIDER = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$pulumi:providers:docker::nas::nas-id";
const PI_PROVIDER = "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$pulumi:providers:docker::pi::pi-id";
const NAS_RUNNER_URN = "urn:pulumi:unit::homelab::homelab:backups:BackupRunner$homelab:docker:Service::nas-backup-runner";
const NAS_SCRIPT = "#!/bin/sh\necho nas\n";
const HEARTBEAT = {
  tests: ["CMD-SHELL", 'test -n "$(find /tmp/homelab-backup/heartbeat -mmin -2 2>/dev/null)"'],
  interval: "1m0s",
  timeout: "10s",
  retries: 3,
  startPeriod: "30s",
};

const mocks: pulumi.runtime.Mocks = {
  newResource: (args) => {
    const imageId = args.type === "docker:index/remoteImage:RemoteImage" ? { imageId: `${args.name}-sha` } : {};
    return { id: `${args.name}-id`, state: { ...args.inputs, ...imageId } };
  },
  call: () => ({}),
};

function program(): void {
  const nas = new docker.Provider("nas", {});
  const pi = new docker.Provider("pi", {});
  // The services' own volumes and network on the host: the runner mounts them, never creates them.
  const pg = new docker.Volume("pg", { name: "postgres-data" }, { provider: nas });
  const uploads = new docker.Volume("uploads", { name: "uploads" }, { provider: nas });
  const net = new docker.Network("net", { name: "homelab-unit" }, { provider: nas });

  // A host with a service to stop around its backup (hooks), the Pushgateway beside it, an SFTP repository and a newer restic.
  new BackupRunner("nas-backup", {
    stack: "unit",
    host: "nas",
    provider: nas,
    network: "homelab",
    networkName: net.name,
    volumes: ["postgres-data", "uploads"],
    sharedVolumes: { "postgres-data": pg, uploads },
    excluded: ["cache", "scratch"],
    script: NAS_SCRIPT,
    repository: {
      plain: { RESTIC_REPOSITORY: "sftp:backup@vault:/srv/restic", HOMELAB_SFTP_TARGET: "backup@vault" },
      secret: { RESTIC_PASSWORD: "correct horse" },
      binds: [],
    },
    hooks: true,
    pushgatewayUrl: "http://pushgateway:9091",
    images: { restic: "restic/restic:0.18.0" },
    restart: "unless-stopped",
    logMaxSize: "10m",
    logMaxFiles: 3,
  });
  // A host with nothing to quiesce, no Pushgateway, a local repository and the default images, backing up
  // a volume no service on the host hands over.
  new BackupRunner("pi-backup", {
    stack: "unit",
    host: "pi",
    provider: pi,
    network: "default",
    networkName: "homelab-pi",
    volumes: ["grafana-data"],
    sharedVolumes: {},
    excluded: [],
    script: "#!/bin/sh\necho pi\n",
    repository: {
      plain: { RESTIC_REPOSITORY: "/repository" },
      secret: { RESTIC_PASSWORD: "pi-password" },
      binds: [{ type: "bind", source: "/srv/restic", target: "/repository", readOnly: false }],
    },
    hooks: false,
    restart: "always",
    logMaxSize: "1m",
    logMaxFiles: 1,
  });
}

describe("BackupRunner", () => {
  let rec: Recorded<void>;
  const res = (name: string): RecordedResource => named(rec.resources, name);
  beforeAll(async () => {
    rec = await recordByUrn(program, mocks);
  });

  it("registers a component per host, with the runner and only where needed the hooks under it", () => {
    expect(res("nas-backup")).toMatchObject({ type: "homelab:backups:BackupRunner", custom: false, parent: STACK_URN });
    expect(rec.resources.filter((r) => r.parent === NAS_URN).map((r) => [r.name, r.type])).toEqual([
      ["nas-backup-runner", "homelab:docker:Service"],
      ["nas-backup-hooks", "homelab:docker:Service"],
    ]);
    expect(rec.resources.filter((r) => r.parent === PI_URN).map((r) => [r.name, r.type])).toEqual([["pi-backup-runner", "homelab:docker:Service"]]);
  });

  describe("the runner", () => {
    it("runs the script's scheduler under restic's image, with the volumes read-only under /data and the password as a secret", () => {
      expect(res("nas-backup-runner-image").inputs).toEqual({ name: "restic/restic:0.18.0", keepLocally: true });
      expect(res("nas-backup-runner-container").inputs).toEqual({
        name: "homelab-backup",
        image: "nas-backup-runner-image-sha",
        entrypoints: ["/bin/sh"],
        command: ["/opt/homelab-backup/homelab-backup.sh", "schedule", "runner"],
        envs: [
          "RESTIC_REPOSITORY=sftp:backup@vault:/srv/restic",
          "HOMELAB_SFTP_TARGET=backup@vault",
          "HOMELAB_BACKUP_STATE=/tmp/homelab-backup",
          "HOMELAB_BACKUP_STAGING=/staging",
          "HOMELAB_BACKUP_SCRATCH=/staging/drill",
          "PUSHGATEWAY_URL=http://pushgateway:9091",
          secret("RESTIC_PASSWORD=correct horse"),
        ],
        uploads: [{ file: "/opt/homelab-backup/homelab-backup.sh", content: NAS_SCRIPT }],
        volumes: [
          { volumeName: "postgres-data", containerPath: "/data/postgres-data", readOnly: true },
          { volumeName: "uploads", containerPath: "/data/uploads", readOnly: true },
          { volumeName: "homelab-backup-staging-unit", containerPath: "/staging", readOnly: false },
        ],
        labels: [
          { label: "homelab.backup.role", value: "runner" },
          { label: "homelab.backup.excluded", value: "cache scratch" },
          { label: "homelab.backup.staging", value: "homelab-backup-staging-unit" },
          { label: "homelab.stack", value: "unit" },
          { label: "homelab.service", value: "homelab-backup" },
          { label: "com.centurylinklabs.watchtower.enable", value: "false" },
        ],
        healthcheck: HEARTBEAT,
        restart: "unless-stopped",
        mustRun: true,
        memory: 1024,
        memorySwap: 1024,
        cpus: "1.0",
        readOnly: false,
        privileged: false,
        securityOpts: ["no-new-privileges:true"],
        capabilities: { adds: ["DAC_OVERRIDE", "CHOWN", "FOWNER", "FSETID"], drops: ["ALL"] },
        destroyGraceSeconds: 10,
        stopTimeout: 10,
        ports: [],
        networksAdvanced: [{ name: "homelab-unit", aliases: ["homelab-backup"] }],
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "3" },
      });
    });

    it("mounts the services' volumes without creating them, and keeps its own staging volume through a destroy", () => {
      expect(rec.resources.filter((r) => r.type === "docker:index/volume:Volume" && r.parent === NAS_RUNNER_URN).map((r) => [r.name, r.inputs])).toEqual([
        ["nas-backup-runner-homelab-backup-staging-unit-volume", { name: "homelab-backup-staging-unit", labels: [{ label: "homelab.stack", value: "unit" }] }],
      ]);
      expect(res("nas-backup-runner-homelab-backup-staging-unit-volume").options).toMatchObject({ retainOnDelete: true });
      expect([...res("nas-backup-runner-container").dependencies].sort()).toEqual([
        "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/remoteImage:RemoteImage::nas-backup-runner-image",
        "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/volume:Volume::nas-backup-runner-homelab-backup-staging-unit-volume",
        "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$docker:index/network:Network::net",
        "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$docker:index/volume:Volume::pg",
        "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$docker:index/volume:Volume::uploads",
      ]);
    });

    it("without a Pushgateway or image override: no PUSHGATEWAY_URL, restic's pinned image, a local repository bind-mounted", () => {
      expect(res("pi-backup-runner-image").inputs).toEqual({ name: "restic/restic:0.17.3", keepLocally: true });
      expect(res("pi-backup-runner-container").inputs).toMatchObject({
        envs: [
          "RESTIC_REPOSITORY=/repository",
          "HOMELAB_BACKUP_STATE=/tmp/homelab-backup",
          "HOMELAB_BACKUP_STAGING=/staging",
          "HOMELAB_BACKUP_SCRATCH=/staging/drill",
          secret("RESTIC_PASSWORD=pi-password"),
        ],
        uploads: [{ file: "/opt/homelab-backup/homelab-backup.sh", content: "#!/bin/sh\necho pi\n" }],
        volumes: [
          { volumeName: "grafana-data", containerPath: "/data/grafana-data", readOnly: true },
          { hostPath: "/srv/restic", containerPath: "/repository", readOnly: false },
          { volumeName: "homelab-backup-staging-unit", containerPath: "/staging", readOnly: false },
        ],
        labels: [
          { label: "homelab.backup.role", value: "runner" },
          { label: "homelab.backup.excluded", value: "" },
          { label: "homelab.backup.staging", value: "homelab-backup-staging-unit" },
          { label: "homelab.stack", value: "unit" },
          { label: "homelab.service", value: "homelab-backup" },
          { label: "com.centurylinklabs.watchtower.enable", value: "false" },
        ],
        restart: "always",
        networksAdvanced: [{ name: "homelab-pi", aliases: ["homelab-backup"] }],
        logOpts: { "max-size": "1m", "max-file": "1" },
      });
      expect([...res("pi-backup-runner-container").dependencies].sort()).toEqual([
        "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/remoteImage:RemoteImage::pi-backup-runner-image",
        "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/volume:Volume::pi-backup-runner-grafana-data-volume",
        "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/volume:Volume::pi-backup-runner-homelab-backup-staging-unit-volume",
      ]);
    });

    it("mounts a volume it was not handed as a named volume, kept through a destroy, never as a host path", () => {
      const volume = res("pi-backup-runner-grafana-data-volume");
      expect(volume.type).toBe("docker:index/volume:Volume");
      expect(volume.inputs).toEqual({ name: "grafana-data", labels: [{ label: "homelab.stack", value: "unit" }] });
      expect(volume.options).toMatchObject({ retainOnDelete: true });
    });

    it("sits on the host's Docker provider under its component", () => {
      expect(res("nas-backup-runner")).toMatchObject({ parent: NAS_URN });
      expect(res("pi-backup-runner")).toMatchObject({ parent: PI_URN });
      expect(res("nas-backup-runner-container").provider).toBe(NAS_PROVIDER);
      expect(res("pi-backup-runner-container").provider).toBe(PI_PROVIDER);
    });
  });

  describe("the hooks container", () => {
    it("has the Docker socket read-only and nothing else: no secret, no data, no capability", () => {
      expect(res("nas-backup-hooks-image").inputs).toEqual({ name: "docker:27.4.1-cli", keepLocally: true });
      expect(res("nas-backup-hooks-container").inputs).toEqual({
        name: "homelab-backup-hooks",
        image: "nas-backup-hooks-image-sha",
        entrypoints: ["/bin/sh"],
        command: ["/opt/homelab-backup/homelab-backup.sh", "schedule", "hooks"],
        envs: ["HOMELAB_BACKUP_STATE=/tmp/homelab-backup"],
        uploads: [{ file: "/opt/homelab-backup/homelab-backup.sh", content: NAS_SCRIPT }],
        volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }],
        labels: [
          { label: "homelab.backup.role", value: "hooks" },
          { label: "homelab.stack", value: "unit" },
          { label: "homelab.service", value: "homelab-backup-hooks" },
          { label: "com.centurylinklabs.watchtower.enable", value: "false" },
        ],
        healthcheck: HEARTBEAT,
        restart: "unless-stopped",
        mustRun: true,
        memory: 64,
        memorySwap: 64,
        cpus: "0.25",
        readOnly: false,
        privileged: false,
        securityOpts: ["no-new-privileges:true"],
        capabilities: { adds: [], drops: ["ALL"] },
        destroyGraceSeconds: 10,
        stopTimeout: 10,
        ports: [],
        networksAdvanced: [{ name: "homelab-unit", aliases: ["homelab-backup-hooks"] }],
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "3" },
      });
    });

    it("starts after the runner it drives", () => {
      expect(res("nas-backup-hooks")).toMatchObject({ parent: NAS_URN });
      expect(res("nas-backup-hooks-container").provider).toBe(NAS_PROVIDER);
      expect([...res("nas-backup-hooks-container").dependencies].sort()).toEqual([
        "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/container:Container::nas-backup-runner-container",
        "urn:pulumi:unit::homelab::homelab:docker:Service$docker:index/remoteImage:RemoteImage::nas-backup-hooks-image",
        "urn:pulumi:unit::homelab::pulumi:pulumi:Stack$docker:index/network:Network::net",
      ]);
    });
  });

  it("exports the containers' names and the volumes backed up", () => {
    expect(rec.outputs.get(NAS_URN)).toEqual({ runner: "homelab-backup", hooks: "homelab-backup-hooks", volumes: ["postgres-data", "uploads"] });
    // No hooks container: the key carries nothing.
    expect(rec.outputs.get(PI_URN)).toEqual({ runner: "homelab-backup", volumes: ["grafana-data"] });
  });
});
