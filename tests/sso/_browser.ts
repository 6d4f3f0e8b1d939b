/**
 * A stand-in browser for `aws-signin sso login` against an emulator without
 * auto-approval (`BROWSER="deno run -A tests/sso/_browser.ts MODE %s"`):
 * opens aws-signin's one-time link keeping its cookie, follows redirects,
 * presses `approve` or `deny` on the emulator's consent page (`/authorize`)
 * or device page (`/device`), and follows the answer back to the loopback
 * callback with the cookie, as a person's browser would. BROWSER_COUNT: a
 * file that gets one line per start.
 */
import { cookieJar } from "../../dev/cookie_jar.ts";

const [mode, start] = Deno.args;
if ((mode !== "approve" && mode !== "deny") || !start) Deno.exit(2);
const count = Deno.env.get("BROWSER_COUNT");
if (count) Deno.writeTextFileSync(count, `${mode}\n`, { append: true });
const delay = Number(Deno.env.get("BROWSER_DELAY_MS") ?? "0");
if (delay > 0) await new Promise((r) => setTimeout(r, delay));

const jar = cookieJar();
let url = new URL(start);
for (let hop = 0; hop < 10; hop++) {
  if (url.hostname !== "127.0.0.1") {
    throw new Error(`refusing to visit ${url}: tests stay on loopback`);
  }
  const res = await fetch(url, {
    redirect: "manual",
    headers: jar.headers(url),
  });
  jar.take(res);
  const body = await res.text();
  if (url.pathname === "/oauth/callback") Deno.exit(0);
  const location = res.headers.get("location");
  if (location) {
    url = new URL(location, url);
    continue;
  }
  const form = /<form method="post" action="([^"]+)"/.exec(body);
  if (!form) Deno.exit(/id="result"/.test(body) ? 0 : 1); // the device page's result
  const fields = new URLSearchParams();
  for (
    const m of body.matchAll(/<input [^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)
  ) {
    fields.set(m[1]!, m[2]!.replaceAll("&quot;", '"').replaceAll("&amp;", "&"));
  }
  fields.set("decision", mode);
  const target = new URL(form[1]!, url);
  const answer = await fetch(target, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: fields,
    redirect: "manual",
  });
  const text = await answer.text();
  const next = answer.headers.get("location");
  if (!next) Deno.exit(/id="result"/.test(text) ? 0 : 1);
  url = new URL(next, target);
}
Deno.exit(1);
