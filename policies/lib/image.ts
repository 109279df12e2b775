/** Parsing Docker image references the way the Docker CLI resolves them. */

export interface ImageRef {
    /** Registry host, `docker.io` when the reference names none. */
    readonly registry: string;
    /** Repository path; Docker Hub official images get `library/`. */
    readonly repository: string;
    readonly tag: string | undefined;
    readonly digest: string | undefined;
}

export function parseImageRef(ref: string): ImageRef | undefined {
    const text = ref.trim();
    // An empty reference has no repository, refused below.
    if (/\s/.test(text)) return undefined;
    const at = text.indexOf("@");
    const [name, digest] = at >= 0 ? [text.slice(0, at), text.slice(at + 1)] : [text, undefined];
    let rest = name;
    if (digest !== undefined && !/^[a-z0-9]+:[a-f0-9]{32,}$/i.test(digest)) return undefined;
    // A colon after the last slash separates the tag; earlier colons belong to a registry port.
    const slash = rest.lastIndexOf("/");
    const colon = rest.lastIndexOf(":");
    const tag = colon > slash ? rest.slice(colon + 1) : undefined;
    if (colon > slash) rest = rest.slice(0, colon);
    const parts = rest.split("/");
    const first = parts[0];
    const hasRegistry = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
    const registry = hasRegistry ? first.toLowerCase() : "docker.io";
    let repository = (hasRegistry ? parts.slice(1) : parts).join("/");
    if (repository === "") return undefined;
    if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
    return { registry: registry === "index.docker.io" ? "docker.io" : registry, repository, tag, digest };
}

/** `repository` without Docker Hub's implicit `library/`, with the registry unless it is Docker Hub. */
export function imageName(ref: ImageRef): string {
    const repo = ref.registry === "docker.io" ? ref.repository.replace(/^library\//, "") : ref.repository;
    return ref.registry === "docker.io" ? repo : `${ref.registry}/${repo}`;
}

/** Whether an allow-list entry such as `grafana/alloy` or `gcr.io/cadvisor/cadvisor` names this image. */
export function imageMatches(ref: ImageRef, entry: string): boolean {
    const wanted = parseImageRef(entry);
    return wanted !== undefined && wanted.registry === ref.registry && wanted.repository === ref.repository;
}

/** Container `image` inputs that are image IDs rather than references. */
export function isImageId(image: string): boolean {
    return /^sha256:[a-f0-9]{64}$/.test(image);
}
