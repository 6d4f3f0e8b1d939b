/**
 * A stand-in browser for IAM Identity Center sign-ins against the emulator
 * (`BROWSER="deno run -A tests/emulator/_sso_browser.ts MODE %s"`): opens the
 * URL it is given as a browser without JavaScript would (following
 * redirects and keeping cookies, as aws-signin's one-time link needs), and
 * presses the page's button: `approve` or `deny` on the device page, or on
 * the consent page of `/authorize` (then it follows the redirect to the
 * tool's loopback callback). Exits 0 when the page did what it was asked.
 */
import { cookieJar } from "../../dev/cookie_jar.ts";

function fail(message: string, code = 1): never {
  Deno.stderr.writeSync(
    new TextEncoder().encode(`stand-in browser: ${message}\n`),
  );
  Deno.exit(code);
}

const [mode, target] = Deno.args;
if ((mode !== "approve" && mode !== "deny") || !target) {
  fail("usage: _sso_browser.ts approve|deny URL", 2);
}

const jar = cookieJar();

/** GETs `url` and follows redirects with the jar's cookies; a redirect to a loopback callback ends the visit. */
async function visit(url: string): Promise<{ page: Response; url: string }> {
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      redirect: "manual",
      headers: jar.headers(url),
    });
    jar.take(res);
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) {
      return { page: res, url };
    }
    await res.body?.cancel();
    url = new URL(location, url).toString();
    if (new URL(url).pathname === "/oauth/callback") {
      // An auto-approving emulator redirects straight to the callback.
      const back = await fetch(url, { headers: jar.headers(url) });
      await back.body?.cancel();
      Deno.exit(0);
    }
  }
  fail(`too many redirects from ${target}`);
}

const { page, url: landed } = await visit(target!);
const origin = new URL(landed).origin;
const html = await page.text();
if (page.status !== 200) fail(`${landed} answered ${page.status}`);
const form = /<form method="post" action="([^"]+)"/.exec(html);
if (!form) {
  // An auto-approving emulator shows the result at once.
  if (/id="result"/.test(html)) Deno.exit(0);
  fail("no form on the page");
}
const fields = new URLSearchParams();
for (
  const m of html.matchAll(/<input [^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)
) {
  fields.set(m[1]!, m[2]!.replaceAll("&quot;", '"').replaceAll("&amp;", "&"));
}
fields.set("decision", mode);
const answer = await fetch(`${origin}${form[1]}`, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: fields,
  redirect: "manual",
});
if (answer.status === 303) {
  await answer.body?.cancel();
  const back = answer.headers.get("location")!;
  await (await fetch(back, { headers: jar.headers(back) })).body?.cancel();
  Deno.exit(0);
}
const result = await answer.text();
if (answer.status !== 200 || !/id="result"/.test(result)) {
  fail(`the decision answered ${answer.status}`);
}
