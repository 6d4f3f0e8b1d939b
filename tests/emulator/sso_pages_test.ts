/**
 * The emulator's IAM Identity Center pages as a browser without JavaScript
 * uses them: the device approval page (`/device`, with and without
 * `?user_code=`) and the consent page of `/authorize`, their forms, stable
 * element ids, escaping, the checks `/authorize` makes, and auto-approval.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  authorizeUrl,
  operations,
  pollDevice,
  register,
  registerAuthClient,
  startDevice,
} from "./_sso.ts";

/** The page's form: its action, method and fields (the submit button named `decision` left out). */
function form(page: string): {
  action: string;
  method: string;
  fields: Record<string, string>;
} {
  const f = /<form method="(\w+)" action="([^"]+)"/.exec(page);
  assert.ok(f, page);
  const fields: Record<string, string> = {};
  for (
    const m of page.matchAll(/<input [^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)
  ) {
    fields[m[1]!] = m[2]!.replaceAll("&amp;", "&").replaceAll("&quot;", '"');
  }
  return { method: f[1]!, action: f[2]!, fields };
}

async function submit(
  base: string,
  page: string,
  decision: "approve" | "deny",
  extra: Record<string, string> = {},
): Promise<Response> {
  const f = form(page);
  return await fetch(`${base}${f.action}`, {
    method: f.method.toUpperCase(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...f.fields, ...extra, decision }),
    redirect: "manual",
  });
}

Deno.test("device page: the code filled in from ?user_code=, approve and deny buttons, then the token", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const client = await register(base);
  const d = (await startDevice(base, client)).json;
  const res = await fetch(d.verificationUriComplete);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/html/);
  assert.match(
    res.headers.get("content-security-policy")!,
    /default-src 'none'/,
  );
  const page = await res.text();
  assert.match(
    page,
    new RegExp(
      `<input id="user-code" name="user_code" [^>]*value="${d.userCode}"`,
    ),
  );
  assert.match(
    page,
    /<button id="approve" [^>]*name="decision" value="approve"/,
  );
  assert.match(page, /<button id="deny" [^>]*name="decision" value="deny"/);
  assert.match(page, /botocore-client-my-sso/);
  assert.doesNotMatch(page, /<script/, "works without JavaScript");
  const approved = await submit(base, page, "approve");
  assert.equal(approved.status, 200);
  assert.match(await approved.text(), /id="result"[^>]*>Request approved/);
  assert.equal((await pollDevice(base, client, d.deviceCode)).status, 200);
  // The same code again: refused.
  const again = await submit(base, page, "approve");
  assert.equal(again.status, 400);
  await again.body?.cancel();
});

Deno.test("device page without a code: type it; deny; unknown and hostile codes are shown escaped", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const client = await register(base);
  const d = (await startDevice(base, client)).json;
  const empty = await (await fetch(d.verificationUri)).text();
  assert.match(empty, /<input id="user-code" name="user_code" [^>]*value=""/);
  // Lower case and without the hyphen, as people type it.
  const denied = await submit(base, empty, "deny", {
    user_code: d.userCode.replace("-", "").toLowerCase(),
  });
  assert.equal(denied.status, 200);
  assert.match(await denied.text(), /id="result"[^>]*>Request denied/);
  assert.equal(
    (await pollDevice(base, client, d.deviceCode)).json.error,
    "access_denied",
  );

  const hostile = await fetch(
    `${base}/device?user_code=${encodeURIComponent('"><script>x</script>')}`,
  );
  assert.equal(hostile.status, 400);
  const text = await hostile.text();
  assert.doesNotMatch(text, /<script>x/);
  assert.match(text, /&lt;script&gt;x/);
  assert.deepEqual(
    await operations(base, ["DeviceVerification", "DeviceDecision"]),
    [
      "DeviceVerification",
      "DeviceDecision",
      "DeviceVerification",
    ],
  );
});

Deno.test("device page with autoApprove: opening the complete URL approves", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const base = server.url;
  const client = await register(base);
  const d = (await startDevice(base, client)).json;
  assert.equal(
    (await pollDevice(base, client, d.deviceCode)).json.error,
    "authorization_pending",
  );
  const res = await fetch(d.verificationUriComplete);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Request approved/);
  assert.equal((await pollDevice(base, client, d.deviceCode)).status, 200);
});

Deno.test("authorize: the consent page, approve → 303 with code and state, deny → error=access_denied", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const client = await registerAuthClient(base);
  const a = await authorizeUrl(base, client, { port: 45001 });
  const res = await fetch(a.url);
  assert.equal(res.status, 200);
  const page = await res.text();
  assert.match(page, /<button id="approve"/);
  assert.match(page, /<button id="deny"/);
  assert.match(page, /sso:account:access/);
  assert.match(page, /127\.0\.0\.1:45001/);
  assert.doesNotMatch(page, /<script/);
  const approved = await submit(base, page, "approve");
  assert.equal(approved.status, 303);
  const location = new URL(approved.headers.get("location")!);
  assert.equal(
    `${location.origin}${location.pathname}`,
    "http://127.0.0.1:45001/oauth/callback",
  );
  assert.equal(location.searchParams.get("state"), a.state);
  assert.ok(location.searchParams.get("code"));
  // The page is single use.
  assert.equal((await submit(base, page, "approve")).status, 400);

  const b = await authorizeUrl(base, client, { port: 45002 });
  const denied = await submit(base, await (await fetch(b.url)).text(), "deny");
  assert.equal(denied.status, 303);
  const back = new URL(denied.headers.get("location")!);
  assert.equal(back.searchParams.get("error"), "access_denied");
  assert.equal(typeof back.searchParams.get("error_description"), "string");
  assert.equal(back.searchParams.get("state"), b.state);
  assert.equal(back.searchParams.get("code"), null);
});

Deno.test("authorize: every parameter is checked before anything is shown", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const base = server.url;
  const client = await registerAuthClient(base);
  const device = await register(base);
  const good = new URL((await authorizeUrl(base, client)).url);
  const bad = async (change: (p: URLSearchParams) => void, why: RegExp) => {
    const url = new URL(good);
    change(url.searchParams);
    const res = await fetch(url, { redirect: "manual" });
    assert.equal(res.status, 400, `${url}`);
    assert.match(await res.text(), why);
  };
  await bad((p) => p.set("response_type", "token"), /response_type/);
  await bad((p) => p.set("client_id", "nope"), /client_id/);
  await bad((p) => p.set("client_id", device.clientId), /client_id/);
  await bad(
    (p) => p.set("redirect_uri", "http://127.0.0.1:5/other"),
    /redirect_uri/,
  );
  await bad(
    (p) => p.set("redirect_uri", "http://localhost:5/oauth/callback"),
    /redirect_uri/,
  );
  await bad(
    (p) => p.set("code_challenge_method", "plain"),
    /code_challenge_method/,
  );
  await bad((p) => p.set("code_challenge", "abc"), /code_challenge/);
  await bad(
    (p) => p.set("scopes", "sso:account:access codewhisperer:x"),
    /scopes/,
  );
  await bad((p) => p.delete("state"), /state/);
  // Any port on the registered URI is fine (RFC 8252).
  const ok = await fetch(good, { redirect: "manual" });
  assert.equal(ok.status, 302);
  await ok.body?.cancel();
});
