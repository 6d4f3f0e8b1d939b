/**
 * Which proxy Deno's fetch uses for a URL, read the way Deno reads it
 * (`HTTPS_PROXY`/`https_proxy` for https://, `HTTP_PROXY`/`http_proxy` for
 * http://, then `ALL_PROXY`/`all_proxy`; `NO_PROXY`/`no_proxy` domains,
 * addresses and IPv4 ranges; a `*` entry is not honoured): for `doctor`,
 * and for `--no-verify-ssl`, whose requests do not go through Deno's fetch.
 *
 * @example
 * ```ts
 * proxyFor(new URL("https://sts.us-east-1.amazonaws.com"), { HTTPS_PROXY: "http://proxy:3128", NO_PROXY: ".amazonaws.com" });
 * // { bypass: ".amazonaws.com" }
 * ```
 * @module
 */

import type { Env } from "../util/env.ts";

/** The proxy Deno's fetch uses for `url`, or what `NO_PROXY` entry sends it directly. */
export function proxyFor(
  url: URL,
  env: Env,
):
  | { readonly proxy: URL; readonly from: string; readonly star?: boolean }
  | { readonly bypass: string }
  | undefined {
  const vars = url.protocol === "https:"
    ? ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    : ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];
  const from = vars.find((v) => env[v]);
  if (!from) return undefined;
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? "";
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  let star = false;
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim().toLowerCase().replace(/:\d+$/, "");
    if (entry === "") continue;
    if (entry === "*") {
      star = true;
      continue;
    }
    const domain = entry.replace(/^\*?\./, "");
    if (host === domain || host.endsWith(`.${domain}`)) {
      return { bypass: raw.trim() };
    }
    if (entry.includes("/") && inCidr(host, entry)) {
      return { bypass: raw.trim() };
    }
  }
  let proxy: URL;
  try {
    proxy = new URL(
      env[from]!.includes("://") ? env[from]! : `http://${env[from]}`,
    );
  } catch {
    return undefined;
  }
  return { proxy, from, ...(star ? { star } : {}) };
}

function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const toInt = (ip: string) => {
    const parts = ip.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) {
      return undefined;
    }
    return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) |
      parts[3]!) >>> 0;
  };
  const a = toInt(host);
  const b = toInt(base ?? "");
  const bits = Number(bitsText);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) {
    return false;
  }
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}
