/**
 * The cookies a browser keeps, for the stand-in browsers of tests, the demo
 * and the bench: the one-time sign-in link sets one that the login's
 * callback needs (only the browser that opened the link may finish).
 */

/** Cookies for 127.0.0.1, by name. */
export interface CookieJar {
  /** Keeps what a response sets. */
  take(response: Response): void;
  /** The headers that carry the cookies to `url` (none for other hosts). */
  headers(url: string | URL): Record<string, string>;
}

/** An empty jar. */
export function cookieJar(): CookieJar {
  const jar = new Map<string, string>();
  return {
    take(response) {
      for (const line of response.headers.getSetCookie()) {
        const pair = line.split(";")[0]!;
        const eq = pair.indexOf("=");
        if (eq > 0) {
          jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
        }
      }
    },
    headers(url) {
      return new URL(url).hostname === "127.0.0.1" && jar.size > 0
        ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") }
        : {};
    },
  };
}
