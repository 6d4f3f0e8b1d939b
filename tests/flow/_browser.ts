/**
 * A stand-in browser for login tests, used as BROWSER="deno run -A _browser.ts MODE %s".
 * It follows the sign-in URL through the emulator (submitting the picker page
 * when there is one) to the loopback callback, like a person clicking through.
 *
 * MODE: approve | deny | wrong-state | fail (exit 1 without doing anything) |
 * record (write the URL to $BROWSER_RECORD and exit) | visit (record it, open
 * it once without following the redirect, and write where it led to
 * $BROWSER_RECORD.location).
 */
import { cookieJar } from "../../dev/cookie_jar.ts";

const [mode, start] = Deno.args;
if (!start) Deno.exit(2);
// BROWSER_COUNT: a file that gets one line per opening; BROWSER_DELAY_MS: a person who takes their time.
// BROWSER_ARGV: a file that gets the URL this browser was started with (what `ps` shows other users).
const argvFile = Deno.env.get("BROWSER_ARGV");
if (argvFile) Deno.writeTextFileSync(argvFile, start);
const count = Deno.env.get("BROWSER_COUNT");
if (count) Deno.writeTextFileSync(count, `${mode}\n`, { append: true });
const delay = Number(Deno.env.get("BROWSER_DELAY_MS") ?? "0");
if (delay > 0) await new Promise((r) => setTimeout(r, delay));
if (mode === "fail") Deno.exit(1);
if (mode === "record" || mode === "visit") {
  const record = Deno.env.get("BROWSER_RECORD")!;
  Deno.writeTextFileSync(record, start);
  if (mode === "visit") {
    const res = await fetch(start, { redirect: "manual" });
    await res.body?.cancel();
    Deno.writeTextFileSync(
      `${record}.location`,
      `${res.status} ${res.headers.get("location") ?? ""}`,
    );
  }
  Deno.exit(0);
}

// A browser keeps cookies: the one-time link sets one that the callback needs.
const jar = cookieJar();

let url = start;
for (let hop = 0; hop < 10; hop++) {
  const target = new URL(url);
  // The name proxy tests give the emulator (only their proxy resolves it): the browser goes straight there.
  if (target.hostname === "emulator.test") target.hostname = "127.0.0.1";
  if (target.hostname !== "127.0.0.1") {
    throw new Error(`refusing to visit ${url}: tests stay on loopback`);
  }
  if (target.pathname === "/oauth/callback") {
    if (mode === "wrong-state") {
      target.searchParams.set("state", "00000000-0000-4000-8000-000000000000");
    }
    await (await fetch(target, { headers: jar.headers(target) })).text();
    Deno.exit(0);
  }
  const res = await fetch(target, {
    redirect: "manual",
    headers: jar.headers(target),
  });
  jar.take(res);
  const body = await res.text();
  const location = res.headers.get("location");
  if (location) {
    url = new URL(location, target).toString();
    continue;
  }
  // IAM Identity Center's device page, approved as it opened (the emulator's auto-approve): done.
  if (/id="result"/.test(body)) Deno.exit(0);
  const request = /name="request" value="([^"]+)"/.exec(body)?.[1];
  if (!request) {
    throw new Error(`no redirect and no picker at ${url} (${res.status})`);
  }
  const decision = await fetch(new URL("/v1/authorize/decision", target), {
    method: "POST",
    body: new URLSearchParams({
      request,
      decision: mode === "deny" ? "deny" : "approve",
    }),
    redirect: "manual",
  });
  await decision.body?.cancel();
  url = new URL(decision.headers.get("location")!, target).toString();
}
throw new Error("too many redirects");
