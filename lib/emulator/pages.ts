/**
 * The HTML pages the emulator shows in a browser: the console-session picker,
 * the cross-device confirmation page with the code to paste, and error pages.
 * Plain HTML with inline CSS: no scripts from elsewhere, no images, no fonts.
 *
 * @example
 * ```ts
 * const html = pickerPage({
 *   requestId: "r1",
 *   principals: ["arn:aws:iam::111122223333:user/demo"],
 *   clientId: "arn:aws:signin:::devtools/same-device",
 *   redirectHost: "127.0.0.1:54321",
 * });
 * ```
 * @module
 */

import { escapeMarkup } from "../util/markup.ts";

const STYLE = `
:root { color-scheme: light dark; --fg:#16191f; --muted:#5f6b7a; --bg:#f2f3f3; --card:#fff; --line:#d5dbdb;
  --accent:#ec7211; --accent-fg:#fff; --focus:#0972d3; --bad:#d91515; --ok:#037f0c; }
@media (prefers-color-scheme: dark) { :root { --fg:#e9ebed; --muted:#a4b0bd; --bg:#0f1b2a; --card:#192534;
  --line:#414d5c; --focus:#539fe5; --bad:#ff5d64; --ok:#29ad32; } }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg);
  background:var(--bg); }
header { background:#232f3e; color:#fff; padding:12px 24px; font-weight:600; letter-spacing:.2px; }
header small { font-weight:400; opacity:.75; margin-left:8px; }
main { max-width:560px; margin:48px auto; padding:0 16px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:12px; padding:28px 32px; }
h1 { font-size:1.45rem; margin:0 0 8px; }
p { margin:8px 0; }
.muted { color:var(--muted); font-size:.92rem; }
fieldset { border:0; padding:0; margin:20px 0; }
legend { font-weight:600; margin-bottom:8px; }
label.choice { display:flex; gap:12px; align-items:flex-start; border:1px solid var(--line); border-radius:8px;
  padding:12px 14px; margin:8px 0; cursor:pointer; }
label.choice:has(input:checked) { border-color:var(--focus); box-shadow:0 0 0 1px var(--focus); }
label.choice code { font-size:.85rem; word-break:break-all; }
.actions { display:flex; gap:12px; margin-top:24px; }
button { font:inherit; font-weight:600; border-radius:20px; padding:8px 22px; cursor:pointer; border:2px solid transparent; }
button.primary { background:var(--accent); color:var(--accent-fg); }
button.secondary { background:transparent; color:var(--fg); border-color:var(--line); }
button:focus-visible, input:focus-visible { outline:3px solid var(--focus); outline-offset:2px; }
.code { display:block; font: 600 1.05rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background:var(--bg); border:1px dashed var(--line); border-radius:8px; padding:14px; word-break:break-all;
  margin:16px 0 12px; user-select:all; }
.status { min-height:1.5em; color:var(--ok); font-size:.92rem; }
.error h1 { color:var(--bad); }
`;

/** A whole page: the title, a header naming the service (`brand`), and the body. */
export function layout(
  title: string,
  body: string,
  brand = "AWS Sign-In",
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeMarkup(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>${
    escapeMarkup(brand)
  } <small>local emulator: no real AWS account is used</small></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The console-session picker: choose a principal, then approve or deny. */
export function pickerPage(init: {
  requestId: string;
  principals: readonly string[];
  clientId: string;
  redirectHost: string;
}): string {
  const device = init.clientId.endsWith("cross-device")
    ? "another device"
    : "this device";
  const choices = init.principals.map((p, i) => `
    <label class="choice"><input type="radio" name="principal" value="${
    escapeMarkup(p)
  }"${i === 0 ? " checked" : ""}>
      <span><strong>${
    escapeMarkup(p.split(":").pop() ?? p)
  }</strong><br><code>${escapeMarkup(p)}</code></span></label>`)
    .join("");
  return layout(
    "Allow access to your console session",
    `<div class="card">
  <h1>Allow access to your console session?</h1>
  <p>A command-line tool on ${device} asks for credentials for local development, issued from your console session.</p>
  <p class="muted">The tool will receive the authorization at <code>${
      escapeMarkup(init.redirectHost)
    }</code>.
  Deny if you did not just run a login command.</p>
  <form method="post" action="/v1/authorize/decision">
    <input type="hidden" name="request" value="${escapeMarkup(init.requestId)}">
    <fieldset>
      <legend>Session to use</legend>${choices}
    </fieldset>
    <div class="actions">
      <button id="approve" class="primary" type="submit" name="decision" value="approve">Allow access</button>
      <button id="deny" class="secondary" type="submit" name="decision" value="deny">Deny</button>
    </div>
  </form>
</div>`,
  );
}

/** The cross-device page: the code to paste into the waiting terminal. */
export function confirmationPage(code: string): string {
  return layout(
    "Authorization code",
    `<div class="card">
  <h1>Copy this code to your terminal</h1>
  <p>Paste it where the login command is waiting for <em>the authorization code displayed in your browser</em>.</p>
  <code id="code" class="code">${escapeMarkup(code)}</code>
  <button id="copy" class="primary" type="button">Copy code</button>
  <p id="copy-status" class="status" role="status" aria-live="polite"></p>
  <p class="muted">The code works once and only for the login that asked for it. You can close this tab afterwards.</p>
</div>
<script>
document.getElementById("copy").addEventListener("click", async () => {
  const status = document.getElementById("copy-status");
  try {
    await navigator.clipboard.writeText(document.getElementById("code").textContent);
    status.textContent = "Copied.";
  } catch {
    status.textContent = "Select the code and copy it.";
  }
});
</script>`,
  );
}

/** An error page (status 400): what was wrong with the request, and that nothing was granted. */
export function errorPage(title: string, detail: string): string {
  return layout(
    title,
    `<div class="card error" role="alert">
  <h1>${escapeMarkup(title)}</h1>
  <p>${escapeMarkup(detail)}</p>
  <p class="muted">No credentials were issued. Run the login command again to get a new link.</p>
</div>`,
  );
}

/** What the emulator's console shows after a federation sign-in (`Action=login`). */
export function consolePage(init: {
  readonly principal: string;
  readonly region: string;
  readonly destination: string;
  readonly issuer: string;
  readonly sessionDuration: number;
}): string {
  const parts = init.principal.split(":");
  const account = parts[4] ?? "";
  const [, role = "", session = ""] = (parts[5] ?? "").split("/");
  return layout(
    "AWS Management Console (emulator)",
    `<h1>AWS Management Console</h1>
<p class="muted">The local emulator's stand-in for the console: no real AWS account is used.</p>
<dl>
<dt>Role</dt><dd id="role">${escapeMarkup(role)}</dd>
<dt>Session</dt><dd id="session">${escapeMarkup(session)}</dd>
<dt>Account</dt><dd id="account">${escapeMarkup(account)}</dd>
<dt>Region</dt><dd id="region">${escapeMarkup(init.region)}</dd>
<dt>Destination</dt><dd id="destination"><code>${
      escapeMarkup(init.destination)
    }</code></dd>
<dt>Signed in by</dt><dd id="issuer">${escapeMarkup(init.issuer)}</dd>
<dt>Console session</dt><dd id="duration">${init.sessionDuration} seconds</dd>
</dl>`,
  );
}
