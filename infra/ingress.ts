/**
 * Public ingress for a stack: the Cloudflare Tunnel, one route per public
 * hostname, Access in front of everything not marked public. Also the GHCR
 * token in each service repository's Actions secrets.
 *
 * Nothing here opens a router port: every hostname goes
 * Internet -> Cloudflare -> tunnel -> container.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { AccessApplication } from "../components/accessApplication";
import { CloudflareTunnel, type CloudflareTunnelArgs } from "../components/cloudflareTunnel";
import { GhcrRepoSecret } from "../components/ghcrRepoSecret";
import { TunnelRoute } from "../components/tunnelRoute";
import { aliasRouteKey, type HomelabModel } from "./model";
import { networkKey, platformHost, type Built } from "./program";

/** One hostname the tunnel forwards, from a service or from a monitoring UI. */
export interface RouteTarget {
  readonly hostname: string;
  /** `http://<container>:<port>` on the connector's network. */
  readonly service: string;
  /** Reachable without Cloudflare Access. */
  readonly public: boolean;
  /** Stable name for the route's resources (service key or monitoring UI name). */
  readonly key: string;
}

/** What the stack may export about its ingress: nothing secret. */
export interface IngressOutputs {
  readonly tunnelId: pulumi.Output<string>;
  /** `<tunnel id>.cfargotunnel.com`, the target of every routed hostname's CNAME. */
  readonly cnameTarget: pulumi.Output<string>;
  readonly hostnames: readonly string[];
  /** Routed without Access (explicitly `public: true`). */
  readonly publicHostnames: readonly string[];
  /** Behind Cloudflare Access. */
  readonly protectedHostnames: readonly string[];
}

export interface GhcrOutputs {
  /** `owner/name` of every repository that holds the secret. */
  readonly repositories: readonly string[];
  readonly secretName: string;
}

/** The host that runs the cloudflared connector. */
export function connectorHost(model: HomelabModel): string {
  return model.cloudflare?.host ?? platformHost(model);
}

/** Tunnel routes of the services that declare `ingress`: the hostname, then each alias. */
export function serviceRoutes(model: HomelabModel): RouteTarget[] {
  return model.services.flatMap((s) => {
    if (!s.ingress) return [];
    const service = `${s.ingress.scheme}://${s.containerName}:${s.ingress.port}`;
    const main = { key: s.key, hostname: s.ingress.hostname, service, public: s.ingress.public };
    return [main, ...s.ingress.aliases.map((a) => ({ ...main, key: aliasRouteKey(s.key, a), hostname: a }))];
  });
}

/**
 * Every route the tunnel serves: the services', then the extra ones (monitoring
 * UIs), which are never public whatever they say: a dashboard is not for the world.
 */
export function ingressRoutes(model: HomelabModel, extraRoutes: readonly RouteTarget[]): RouteTarget[] {
  return [...serviceRoutes(model), ...extraRoutes.map((r) => ({ ...r, public: false }))];
}

/**
 * The stack's one Cloudflare provider. The token is a secret; without one the
 * provider reads CLOUDFLARE_API_TOKEN from the environment.
 */
export function cloudflareProvider(model: HomelabModel): cloudflare.Provider {
  const token = model.cloudflare?.apiToken;
  // Renaming this provider replaces every Cloudflare resource of the stack.
  return new cloudflare.Provider("cloudflare", { apiToken: token === undefined ? undefined : pulumi.secret(token) });
}

/**
 * The tunnel, its connector, one route (DNS + ingress rule) per hostname and
 * Access for each hostname that is not explicitly public. Registers nothing,
 * not even a provider, when no hostname is routed.
 */
export function buildIngress(model: HomelabModel, built: Built, extraRoutes: readonly RouteTarget[]): IngressOutputs | undefined {
  const routes = ingressRoutes(model, extraRoutes);
  const cf = model.cloudflare;
  // checkIngress requires homelab:cloudflare as soon as one hostname is routed.
  if (routes.length === 0 || cf === undefined) return undefined;

  const provider = cloudflareProvider(model);
  const host = connectorHost(model);
  const dockerHost = built.hosts.get(host);
  // checkTunnel refuses an unknown cloudflare.host before anything is registered.
  if (!dockerHost) throw new Error(`tunnel connector host "${host}" is not declared`);
  // The program creates the default network on the platform host, and checkTunnel puts every routed
  // service on it on this host. The one case left (only monitoring UIs routed, on a host other than
  // the platform host) has the network created by buildMonitoring, which does not hand it back: join it by name.
  const network = built.networks.get(networkKey(host, model.defaultNetwork));

  return buildTunnel(model, routes, provider, { dockerProvider: dockerHost.provider, network: network?.networkName ?? model.defaultNetwork, after: network ? [network] : [] });
}

/** Where the tunnel's connector runs: a host's container, or (with `swarm`) a Swarm service. */
export type ConnectorPlacement = Pick<CloudflareTunnelArgs, "dockerProvider" | "network" | "after" | "swarm">;

/**
 * The tunnel and its connector, then per route its Access application (unless
 * public) and its DNS record and ingress rule. `routes` is not empty and
 * `homelab:cloudflare` is set (checkIngress).
 */
export function buildTunnel(model: HomelabModel, routes: readonly RouteTarget[], provider: cloudflare.Provider, connector: ConnectorPlacement): IngressOutputs {
  const cf = model.cloudflare!;
  const tunnel = new CloudflareTunnel("tunnel", {
    accountId: cf.accountId,
    tunnelName: cf.tunnelName ?? `homelab-${model.stack}`,
    cloudflareProvider: provider,
    ...connector,
    stack: model.stack,
    restart: model.profile.restart,
    logMaxSize: model.profile.logMaxSize,
    logMaxFiles: model.profile.logMaxFiles,
  });

  const a = model.access ?? {};
  const tunnelRoutes = routes.map((r) => {
    // Access exists before the hostname resolves, so a protected name is never briefly open.
    const access = r.public
      ? undefined
      : new AccessApplication(`access-${r.key}`, {
          accountId: cf.accountId,
          hostname: r.hostname,
          allow: { emails: a.emails, emailDomains: a.emailDomains, groups: a.groups },
          sessionDuration: a.sessionDuration,
          provider,
        });
    return new TunnelRoute(`route-${r.key}`, {
      hostname: r.hostname,
      service: r.service,
      public: r.public,
      zoneId: cf.zoneId,
      cnameTarget: tunnel.cnameTarget,
      provider,
      // Inside one host's bridge network no certificate can name the container: an https origin is
      // encrypted but not verified. The hop never leaves the Docker host.
      noTlsVerify: r.service.startsWith("https://"),
      after: access ? [access] : [],
    });
  });
  tunnel.setIngress(tunnelRoutes);

  return {
    tunnelId: tunnel.tunnelId,
    cnameTarget: tunnel.cnameTarget,
    hostnames: routes.map((r) => r.hostname),
    publicHostnames: routes.filter((r) => r.public).map((r) => r.hostname),
    protectedHostnames: routes.filter((r) => !r.public).map((r) => r.hostname),
  };
}

/** Distinct `owner/name` repositories of the stack's services, in config order. */
export function ghcrRepositories(model: HomelabModel): string[] {
  return [...new Set(model.services.flatMap((s) => (s.repo ? [s.repo] : [])))];
}

/**
 * The GHCR token as an Actions secret in every service repository. Registers
 * nothing, not even a provider, when no service names a repository.
 */
export function buildGhcrSecrets(model: HomelabModel): GhcrOutputs | undefined {
  const repos = ghcrRepositories(model);
  const gh = model.github;
  // checkGithub requires github.owner and github.ghcrPat as soon as one service names a repo.
  if (repos.length === 0 || gh === undefined || gh.ghcrPat === undefined) return undefined;
  const ghcrPat = gh.ghcrPat;

  // Without a token the provider reads GITHUB_TOKEN. Renaming it replaces every secret below.
  const provider = new github.Provider("github", { owner: gh.owner, token: gh.token === undefined ? undefined : pulumi.secret(gh.token) });
  const secretName = gh.secretName ?? "GHCR_PAT";
  for (const repo of repos) {
    // checkGhcrRepos keeps every repository under github.owner, the provider's owner.
    const name = repo.slice(repo.indexOf("/") + 1);
    new GhcrRepoSecret(`ghcr-${name}`, { repository: name, token: pulumi.secret(ghcrPat), secretName, provider });
  }
  return { repositories: repos, secretName };
}
