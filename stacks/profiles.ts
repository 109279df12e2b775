/**
 * What differs between environments, kept here so stack files only say what
 * is particular to them. A stack picks its profile with `homelab:profile`,
 * or by being named after one.
 */

export type ProfileName = "dev" | "homelab" | "prod";

export interface Features {
  /** Public ingress through a Cloudflare Tunnel (with DNS and Access). */
  readonly tunnel: boolean;
  /** Jaeger, Prometheus, Grafana, Loki, the log shipper and cAdvisor. */
  readonly monitoring: boolean;
  /** The Watchtower container, updating services that opt in. */
  readonly watchtower: boolean;
  /** GHCR_PAT secrets in service repositories and GHCR pull credentials. */
  readonly ghcr: boolean;
}

export interface Profile {
  readonly name: ProfileName;
  /** Interface a published port binds to when the config names none. */
  readonly defaultBindAddress: string;
  readonly restart: "no" | "always" | "on-failure" | "unless-stopped";
  readonly features: Features;
  /** Whether services opt in to Watchtower unless they say otherwise. */
  readonly watchtowerByDefault: boolean;
  /** Docker json-file log rotation, so a chatty container cannot fill the disk. */
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
  /** Require `image@sha256:...` references (prod pins exactly what was tested). */
  readonly requireDigest: boolean;
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  dev: {
    name: "dev",
    defaultBindAddress: "127.0.0.1",
    restart: "unless-stopped",
    features: { tunnel: false, monitoring: true, watchtower: false, ghcr: false },
    watchtowerByDefault: false,
    logMaxSize: "10m",
    logMaxFiles: 2,
    requireDigest: false,
  },
  homelab: {
    name: "homelab",
    defaultBindAddress: "127.0.0.1",
    restart: "unless-stopped",
    features: { tunnel: true, monitoring: true, watchtower: true, ghcr: true },
    watchtowerByDefault: true,
    logMaxSize: "10m",
    logMaxFiles: 3,
    requireDigest: false,
  },
  prod: {
    name: "prod",
    defaultBindAddress: "127.0.0.1",
    restart: "always",
    features: { tunnel: true, monitoring: true, watchtower: false, ghcr: true },
    watchtowerByDefault: false,
    logMaxSize: "50m",
    logMaxFiles: 5,
    requireDigest: false,
  },
};

/** Images move forward along this order: what dev ran is promoted to homelab, then to prod. */
export const PROMOTION_ORDER: readonly ProfileName[] = ["dev", "homelab", "prod"];

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** The stack's own profile when it is named after one, else the home-server default. */
export function defaultProfileFor(stack: string): ProfileName {
  return (PROFILE_NAMES as string[]).includes(stack) ? (stack as ProfileName) : "homelab";
}
