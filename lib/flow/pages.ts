/**
 * The pages the browser lands on after the sign-in redirect to our loopback
 * callback. Self-contained HTML and CSS (no scripts, images or fonts from
 * anywhere); they say what happened and what to do next.
 *
 * @example
 * ```ts
 * successPage({ profile: "dev" });
 * failurePage({ title: "Sign-in was not completed", detail: "...", command: "aws-signin login" });
 * ```
 * @module
 */

import { escapeMarkup } from "../util/markup.ts";

const STYLE = `
:root { color-scheme: light dark; --fg:#0f172a; --muted:#475569; --bg:#f8fafc; --card:#fff; --line:#e2e8f0;
  --ok:#15803d; --ok-bg:#dcfce7; --bad:#b91c1c; --bad-bg:#fee2e2; --code:#f1f5f9; }
@media (prefers-color-scheme: dark) { :root { --fg:#e2e8f0; --muted:#94a3b8; --bg:#0b1120; --card:#111827;
  --line:#1f2937; --ok:#4ade80; --ok-bg:#052e16; --bad:#f87171; --bad-bg:#450a0a; --code:#1e293b; } }
* { box-sizing: border-box; }
body { margin:0; min-height:100vh; display:grid; place-items:center; background:var(--bg); color:var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width:min(520px, calc(100vw - 32px)); background:var(--card); border:1px solid var(--line);
  border-radius:14px; padding:32px; box-shadow:0 1px 3px rgb(0 0 0 / .06); }
.badge { width:48px; height:48px; border-radius:50%; display:grid; place-items:center; font-size:26px;
  font-weight:700; margin-bottom:16px; }
.ok .badge { background:var(--ok-bg); color:var(--ok); }
.bad .badge { background:var(--bad-bg); color:var(--bad); }
h1 { font-size:1.4rem; margin:0 0 8px; }
p { margin:8px 0; }
.muted { color:var(--muted); font-size:.92rem; }
code { font: .9rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:var(--code);
  border-radius:6px; padding:2px 6px; }
footer { margin-top:24px; padding-top:16px; border-top:1px solid var(--line); color:var(--muted); font-size:.85rem; }
`;

function layout(kind: "ok" | "bad", title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeMarkup(title)} · aws-signin</title>
<style>${STYLE}</style>
</head>
<body>
<main class="${kind}" role="${kind === "ok" ? "status" : "alert"}">
<div class="badge" aria-hidden="true">${kind === "ok" ? "&#10003;" : "!"}</div>
<h1>${escapeMarkup(title)}</h1>
${body}
<footer>aws-signin · AWS console-credential sign-in for local development</footer>
</main>
</body>
</html>
`;
}

/** Shown when the browser brought back an authorization code for the waiting login. */
export function successPage(init: { profile: string }): string {
  return layout(
    "ok",
    "Signed in",
    `<p>Your terminal is finishing the login for profile <code>${
      escapeMarkup(init.profile)
    }</code>.</p>
<p>You can close this tab and return to your terminal.</p>
<p class="muted">The credentials stay on your computer and last until your console session ends.</p>`,
  );
}

/** Shown when the sign-in failed or the response does not belong to the waiting login. */
export function failurePage(
  init: {
    title: string;
    detail: string;
    command: string;
    /** The terminal is still waiting for the right redirect (this one was ignored). */
    stillWaiting?: boolean;
  },
): string {
  const next = init.stillWaiting
    ? `<p>Your terminal is still waiting for its own sign-in. If it is not, run <code>${
      escapeMarkup(init.command)
    }</code> to start again.</p>`
    : `<p>Nothing was saved. To try again, run <code>${
      escapeMarkup(init.command)
    }</code> in your terminal.</p>`;
  return layout(
    "bad",
    init.title,
    `<p>${escapeMarkup(init.detail)}</p>\n${next}`,
  );
}

/** Any other path on the callback server. */
export function notFoundPage(): string {
  return layout(
    "bad",
    "Not found",
    `<p class="muted">This address only receives the sign-in redirect.</p>`,
  );
}
