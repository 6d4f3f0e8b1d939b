/**
 * The emulator's IAM Identity Center pages: the device approval page (type
 * or confirm the code, then approve or deny), its result, the consent page
 * of `/authorize`, and error pages. Plain HTML forms with stable element ids
 * (`#user-code`, `#approve`, `#deny`, `#result`) that work without
 * JavaScript; every value shown is escaped.
 *
 * @example
 * ```ts
 * devicePage({ userCode: "BCDF-GHJK", clientName: "botocore-client-my-sso", region: "us-east-1" });
 * ```
 * @module
 */

import { escapeMarkup } from "../util/markup.ts";
import { layout } from "./pages.ts";

const BRAND = "AWS IAM Identity Center";

function actions(): string {
  return `<div class="actions">
      <button id="approve" class="primary" type="submit" name="decision" value="approve">Allow access</button>
      <button id="deny" class="secondary" type="submit" name="decision" value="deny">Deny</button>
    </div>`;
}

/** The device approval page: the code (filled in from `?user_code=`, or typed), approve or deny. */
export function devicePage(init: {
  readonly userCode: string;
  readonly clientName?: string;
  readonly region: string;
}): string {
  const who = init.clientName
    ? `<p>The application <strong id="client-name">${
      escapeMarkup(init.clientName)
    }</strong> asks for access to your AWS accounts.</p>`
    : `<p>Enter the code the application showed you.</p>`;
  return layout(
    "Authorize request",
    `<div class="card">
  <h1>Authorize request</h1>
  ${who}
  <p class="muted">Check that the code below matches the one your terminal shows. Deny if you did not just run a
  sign-in command. (Region ${escapeMarkup(init.region)}.)</p>
  <form method="post" action="/device">
    <fieldset>
      <legend><label for="user-code">Code</label></legend>
      <input id="user-code" name="user_code" type="text" value="${
      escapeMarkup(init.userCode)
    }" autocomplete="off" spellcheck="false" required>
    </fieldset>
    ${actions()}
  </form>
</div>`,
    BRAND,
  );
}

/** What the device page says after a decision. */
export function deviceResultPage(approved: boolean): string {
  const title = approved ? "Request approved" : "Request denied";
  return layout(
    title,
    `<div class="card${approved ? "" : " error"}">
  <h1 id="result">${title}</h1>
  <p>${
      approved
        ? "You can close this window and return to your terminal."
        : "The application was not given access. You can close this window."
    }</p>
</div>`,
    BRAND,
  );
}

/** The consent page of `/authorize`: who signs in, which application, which scopes, where the code goes. */
export function consentPage(init: {
  readonly requestId: string;
  readonly user: string;
  readonly clientName: string;
  readonly scopes: readonly string[];
  readonly redirectHost: string;
}): string {
  const scopes = init.scopes.map((s) =>
    `<li><code>${escapeMarkup(s)}</code></li>`
  )
    .join("");
  return layout(
    "Allow access",
    `<div class="card">
  <h1>Allow <span id="client-name">${
      escapeMarkup(init.clientName)
    }</span> to access your data?</h1>
  <p>Signed in as <strong id="user">${escapeMarkup(init.user)}</strong>.</p>
  <p>It asks for:</p>
  <ul id="scopes">${scopes}</ul>
  <p class="muted">The application receives the authorization at <code>${
      escapeMarkup(init.redirectHost)
    }</code>. Deny if you did not just run a sign-in command.</p>
  <form method="post" action="/authorize">
    <input type="hidden" name="request" value="${escapeMarkup(init.requestId)}">
    ${actions()}
  </form>
</div>`,
    BRAND,
  );
}

/** An error page: what was wrong, and that nothing was granted. */
export function ssoErrorPage(title: string, detail: string): string {
  return layout(
    title,
    `<div class="card error" role="alert">
  <h1>${escapeMarkup(title)}</h1>
  <p>${escapeMarkup(detail)}</p>
  <p class="muted">No access was granted. Run the sign-in command again to get a new code or link.</p>
</div>`,
    BRAND,
  );
}
