import { editStack, problemsOf, stackText } from "../support/stacks";
import { editSwarm, loadText, swarmText } from "./support";

const problems = (edits: Parameters<typeof editSwarm>[0]): string[] => problemsOf(() => loadText(editSwarm(edits)));
const F = "Pulumi.swarm.yaml";

describe("the example Swarm stack", () => {
  const model = loadText(swarmText());

  it("is a Swarm of three nodes managed through the manager host", () => {
    expect(model.swarm?.manager).toBe("manager");
    expect(model.swarm?.nodes).toEqual([
      { host: "manager", hostname: "manager", role: "manager", labels: {} },
      { host: "gpu", hostname: "gpu", role: "worker", labels: { gpu: "true" }, gpus: 1 },
      { host: "storage", hostname: "storage", role: "worker", labels: { storage: "true" } },
    ]);
    expect(model.swarm?.encryptedNetworks).toEqual(["backend"]);
  });

  it("fills rollout defaults: start-first for stateless, stop-first for a service writing a volume", () => {
    const swarm = model.swarm!;
    expect(swarm.services.commander.update).toEqual({ parallelism: 1, delay: "10s", order: "start-first", failureAction: "rollback", monitor: "40s", maxFailureRatio: 0 });
    expect(swarm.services.postgres.update.order).toBe("stop-first");
    expect(swarm.services.postgres.rollback).toEqual({ parallelism: 1, delay: "0s", order: "stop-first", failureAction: "pause", monitor: "30s", maxFailureRatio: 0 });
  });

  it("keeps replicas, constraints and how secrets are delivered", () => {
    const s = model.swarm!.services;
    expect(s.commander.replicas).toBe(2);
    expect(s.commander.maxReplicasPerNode).toBe(1);
    expect(s.commander.secretsAs).toBe("files");
    expect(s.cache.secretsAs).toBe("env");
    expect(s.cache.replicas).toBe(1);
    expect(s.postgres.constraints).toEqual(["node.labels.storage == true"]);
  });

  it("resolves gpus: all to the GPUs its node declares, as the default kind", () => {
    expect(model.swarm!.gpuKind).toBe("NVIDIA-GPU");
    expect(model.swarm!.services.worker.gpus).toEqual({ kind: "NVIDIA-GPU", count: 1 });
    expect(model.swarm!.services.cache.gpus).toBeUndefined();
    const m = loadText(editSwarm([[["homelab:swarm", "gpuKind"], "AMD-GPU"], [["homelab:hosts", "gpu", "gpus"], 4], [["homelab:services", "worker", "gpus"], "count=2"]]));
    expect(m.swarm!.services.worker.gpus).toEqual({ kind: "AMD-GPU", count: 2 });
  });

  it("turns a service's host into a hostname constraint", () => {
    const m = loadText(editSwarm([[["homelab:services", "cache", "host"], "storage"], [["homelab:hosts", "storage", "hostname"], "nas-01"]]));
    expect(m.swarm!.services.cache.constraints).toEqual(["node.hostname == nas-01"]);
  });
});

describe("Swarm validation", () => {
  it("requires a service writing a named volume to be pinned to exactly one node", () => {
    expect(problems([[["homelab:services", "postgres", "placement"], undefined]])).toEqual([
      `${F}: homelab:services.postgres.placement.constraints: writes a named volume, which lives on one node, but could run on manager, gpu, storage: pin it with host or a constraint such as node.hostname == manager`,
    ]);
  });

  it("refuses several tasks writing one named volume", () => {
    expect(problems([[["homelab:services", "postgres", "replicas"], 2]])).toEqual([
      `${F}: homelab:services.postgres.replicas: a service writing a named volume runs one task: several would write the same data`,
    ]);
  });

  it("accepts a read-only named volume on several nodes", () => {
    const m = loadText(editSwarm([[["homelab:services", "sentinel", "volumes"], ["assets:/assets:ro"]]]));
    expect(m.swarm!.services.sentinel.replicas).toBe(2);
  });

  it("checks that every constraint names a label, value or node some declared node has", () => {
    expect(
      problems([
        [["homelab:services", "worker", "placement", "constraints"], ["node.labels.gpus == true", "node.hostname == nas", "node.labels.gpu == yes", "node.role == boss", "node.id == abc", "gpu"]],
      ]),
    ).toEqual([
      `${F}: homelab:services.worker.placement.constraints[0]: no declared node has the label "gpus" (set it under homelab:hosts.<host>.labels and with docker node update --label-add)`,
      `${F}: homelab:services.worker.placement.constraints[1]: no declared node has hostname "nas" (declared: manager, gpu, storage)`,
      `${F}: homelab:services.worker.placement.constraints[2]: no declared node has gpu=yes (values: true)`,
      `${F}: homelab:services.worker.placement.constraints[3]: node.role is manager or worker, not "boss"`,
      `${F}: homelab:services.worker.placement.constraints[4]: "node.id" is not checked by the plan: use node.hostname, node.role, node.labels.<name>, node.platform.os or node.platform.arch`,
      `${F}: homelab:services.worker.placement.constraints[5]: "gpu" is not ATTRIBUTE == VALUE or ATTRIBUTE != VALUE`,
    ]);
  });

  it("reports constraints no node satisfies together, and spread labels no node has", () => {
    expect(
      problems([
        [["homelab:services", "sentinel", "placement"], { constraints: ["node.labels.gpu == true", "node.labels.storage == true"], spread: ["zone"] }],
      ]),
    ).toEqual([
      `${F}: homelab:services.sentinel.placement.spread[0]: no declared node has the label "zone"`,
      `${F}: homelab:services.sentinel.placement.constraints: no declared node satisfies every constraint: the service would never be scheduled`,
    ]);
  });

  it("checks limits against the nodes a service may run on", () => {
    expect(problems([[["homelab:services", "worker", "memory"], "40g"]])).toEqual([`${F}: homelab:services.worker.memory: memory 40960 MiB is more than any eligible node has`]);
  });

  it("publishes a port once in the whole Swarm, whatever the host", () => {
    expect(
      problems([
        [["homelab:services", "sentinel", "ports"], ["8001:8000"]],
        [["homelab:services", "commander", "ports"], ["8001:8000"]],
      ]),
    ).toEqual([`${F}: homelab:services.sentinel.ports[0]: port 8001/tcp is already published by service "commander" (Swarm publishes on every node)`]);
  });

  it("refuses what Swarm cannot do instead of ignoring it, all at once", () => {
    expect(
      problems([
        [["homelab:features", "watchtower"], true],
        [["homelab:services", "worker", "dependsOn"], ["cache"]],
        [["homelab:services", "cache", "rollback"], { failureAction: "rollback" }],
        [["homelab:services", "cache", "replicas"], "global"],
        [["homelab:services", "cache", "placement"], { maxReplicasPerNode: 1 }],
      ]),
    ).toEqual([
      `${F}: homelab:features.watchtower: Watchtower updates containers, not Swarm services (the Swarm would undo it); set it to false and promote images with npm run promote`,
      `${F}: homelab:services.worker.dependsOn: Swarm starts services in no particular order: remove dependsOn and let the service retry until what it needs answers`,
      `${F}: homelab:services.cache.placement.maxReplicasPerNode: a global service runs one task per node already; remove maxReplicasPerNode`,
      `${F}: homelab:services.cache.rollback.failureAction: a rollback that fails can pause or continue, not roll back`,
    ]);
  });

  it("refuses backups, which have no Swarm rendering yet", () => {
    expect(
      problems([[["homelab:backups"], { repository: { type: "local", path: "/srv/restic" }, password: "plain-for-this-pure-check" }]]).filter((p) => !p.includes("must be a secret")),
    ).toEqual([`${F}: homelab:backups: backups are not supported with homelab:engine: swarm yet; remove homelab:backups (back the nodes' volumes up outside homelab)`]);
  });

  it("checks files and secret files against what a Swarm takes, with key paths, never quoting a secret", () => {
    const long = "a-secret-file-name-long-enough-to-pass-swarms-limit";
    expect(
      problems([
        [["homelab:services", "sentinel", "files", "thresholds", "owner"], "app"],
        [["homelab:services", "sentinel", "files", "empty"], { path: "/app/empty.conf", content: "" }],
        [["homelab:services", "worker", "secretFiles", "dotenv", "group"], "staff"],
        [["homelab:services", "worker", "secretFiles", long], { path: "/app/other.env", values: {} }],
      ]),
    ).toEqual([
      `${F}: homelab:services.sentinel.files.thresholds.owner: "app" is a name; a Swarm mounts files with a numeric user id (e.g. 1000): write the id`,
      `${F}: homelab:services.sentinel.files.empty.content: is empty, and a Swarm config cannot be`,
      `${F}: homelab:services.worker.secretFiles.dotenv.group: "staff" is a name; a Swarm mounts files with a numeric group id (e.g. 1000): write the id`,
      `${F}: homelab:services.worker.secretFiles.${long}: the Swarm secret "worker_${long}_<suffix>" would be 67 characters, more than Swarm's 64: shorten the name or the service's containerName`,
      `${F}: homelab:services.worker.secretFiles.${long}.values: is empty, and a Swarm secret cannot be`,
    ]);
  });

  it("refuses a secret of 500 KiB or more (swarmkit's limit) without telling its size", () => {
    const big = "x".repeat(500 * 1024);
    const found = problems([
      [["homelab:services", "worker", "secretFiles", "dotenv", "values"], { BLOB: big }],
      [["homelab:services", "commander", "secretEnvironment", "DATABASE_PASSWORD"], big],
      [["homelab:services", "sentinel", "secretFiles"], { small: { path: "/app/s.env", values: { A: "x".repeat(500 * 1024 - 1) } } }],
    ]).filter((p) => !p.includes("must be a secret") && !p.includes("secure:"));
    expect(found).toEqual([
      `${F}: homelab:services.commander.secretEnvironment.DATABASE_PASSWORD: is too large for a Swarm secret (less than 512000 bytes)`,
      `${F}: homelab:services.worker.secretFiles.dotenv.values: is too large for a Swarm secret (less than 512000 bytes)`,
    ]);
    expect(found.join("\n")).not.toContain("xxxx");
  });

  it("mounts files into a read-only root filesystem, which the Docker engine's copy cannot", () => {
    const m = loadText(editSwarm([[["homelab:services", "sentinel", "readOnly"], true]]));
    expect(m.services.find((s) => s.key === "sentinel")).toMatchObject({ readOnly: true, files: [{ name: "thresholds", path: "/app/config/thresholds.yaml" }] });
    expect(problemsOf(() => loadText(editStack("dev", [[["homelab:services", "cache", "readOnly"], true], [["homelab:services", "cache", "files"], { c: { path: "/etc/c.conf", content: "x" } }]]), "dev"))).toEqual([
      "Pulumi.dev.yaml: homelab:services.cache.readOnly: files and secretFiles cannot be copied into a read-only root filesystem; drop readOnly or mount the files from a volume",
    ]);
  });

  it("checks that every task of a GPU service finds its GPUs: a global one on every node, replicas within the declared count", () => {
    expect(
      problems([
        [["homelab:services", "worker", "replicas"], "global"],
        [["homelab:services", "worker", "placement"], undefined],
      ]),
    ).toEqual([`${F}: homelab:services.worker.gpus: a global service runs a task on every node it may run on, and manager, storage cannot reserve its GPUs: constrain it to the GPU nodes`]);
    expect(problems([[["homelab:services", "worker", "replicas"], 2]])).toEqual([
      `${F}: homelab:services.worker.gpus: 2 replicas need more GPUs than the nodes it may run on declare (room for 1 task: gpu: 1)`,
    ]);
    expect(() => loadText(editSwarm([[["homelab:services", "worker", "replicas"], 1]]))).not.toThrow();
  });

  it("checks that a GPU service can reserve its GPUs on some node it may run on", () => {
    expect(
      problems([
        [["homelab:services", "sentinel", "gpus"], "1"],
        [["homelab:services", "worker", "gpus"], "device=0"],
        [["homelab:services", "cache", "gpus"], "2"],
      ]),
    ).toEqual([
      `${F}: homelab:services.sentinel.gpus: no node the service may run on (manager, storage) declares 1 GPU (none declares any): set homelab:hosts.<host>.gpus on the GPU node and advertise them in its daemon.json (README, Docker Swarm)`,
      `${F}: homelab:services.worker.gpus: "device=0": a Swarm reserves GPUs by number and picks the devices itself; write all, a count such as "1", or count=N`,
      `${F}: homelab:services.cache.gpus: no node the service may run on (manager, gpu, storage) declares 2 GPUs (gpu: 1): set homelab:hosts.<host>.gpus on the GPU node and advertise them in its daemon.json (README, Docker Swarm)`,
    ]);
  });

  it("refuses gpus: all over GPU nodes with different counts", () => {
    expect(problems([[["homelab:hosts", "gpu2"], { labels: { gpu: "true" }, gpus: 2 }]])).toEqual([
      `${F}: homelab:services.worker.gpus: all means every GPU of the node, but the nodes it may run on declare different counts (gpu: 1, gpu2: 2): reserve a count such as "1"`,
    ]);
  });

  it("reports an undeclared host once", () => {
    expect(problems([[["homelab:services", "cache", "host"], "nas"]])).toEqual([`${F}: homelab:services.cache.host: unknown host "nas" (declared: manager, gpu, storage)`]);
  });

  it("refuses an unknown manager and a manager declared as a worker", () => {
    expect(problems([[["homelab:swarm", "manager"], "nas"]])).toEqual([`${F}: homelab:swarm.manager: unknown host "nas" (declared: manager, gpu, storage)`]);
    expect(problems([[["homelab:hosts", "manager", "role"], "worker"]])).toEqual([`${F}: homelab:hosts.manager.role: the Swarm manager (homelab:swarm.manager) cannot be a worker`]);
  });

  it("validates the new keys' shapes with key paths", () => {
    expect(problems([[["homelab:services", "cache", "update"], { order: "random", delay: "soon" }]])).toEqual([
      `${F}: homelab:services.cache.update.delay: must be a duration such as 10s or 1m`,
      `${F}: homelab:services.cache.update.order: expects one of stop-first, start-first, e.g. stop-first`,
    ].sort());
  });
});

describe("the tunnel in a Swarm", () => {
  it("places the connector itself and reaches services on the default network only", () => {
    expect(
      problems([
        [["homelab:cloudflare", "host"], "manager"],
        [["homelab:services", "sentinel", "networks"], ["backend"]],
        [["homelab:services", "cache", "containerName"], "cloudflared"],
      ]),
    ).toEqual([
      `${F}: homelab:cloudflare.host: the Swarm places the tunnel connector (two replicas on different nodes): remove homelab:cloudflare.host`,
      `${F}: homelab:services.sentinel.networks: the tunnel connector is on network "miravaz-net" only: add it to this service's networks so cloudflared can reach "sentinel"`,
      `${F}: homelab:services.cache.containerName: Swarm service name "cloudflared" is taken by the tunnel connector; rename the service or set containerName`,
    ]);
  });
});

describe("Swarm keys on the Docker engine", () => {
  it("are refused, not silently ignored", () => {
    const text = editStack("dev", [
      [["homelab:hosts", "laptop", "labels"], { gpu: "true" }],
      [["homelab:hosts", "laptop", "gpus"], 1],
      [["homelab:services", "cache", "replicas"], 2],
      [["homelab:networks", "backend", "encrypted"], true],
    ]);
    expect(problemsOf(() => loadText(text, "dev"))).toEqual([
      "Pulumi.dev.yaml: homelab:networks.backend.encrypted: only applies with homelab:engine: swarm",
      "Pulumi.dev.yaml: homelab:hosts.laptop.labels: only applies with homelab:engine: swarm",
      "Pulumi.dev.yaml: homelab:hosts.laptop.gpus: only applies with homelab:engine: swarm",
      "Pulumi.dev.yaml: homelab:services.cache.replicas: only applies with homelab:engine: swarm",
    ]);
  });

  it("leave a Docker-engine stack without a Swarm spec", () => {
    expect(loadText(stackText("dev"), "dev").swarm).toBeUndefined();
  });
});
