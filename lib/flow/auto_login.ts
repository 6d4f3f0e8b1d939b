/**
 * `--auto-login`: the same-device sign-in run on behalf of a command that
 * needed credentials (a `credential_process`, `serve`, `exec`), when the
 * profile's login session has ended or was logged out. Everything it says
 * goes to stderr (a `credential_process`'s stdout is the tool's), it never
 * reads stdin, it waits a bounded time, and it refuses to switch sessions:
 * when the browser signs in to another session than the profile's, nothing
 * is saved.
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * declare const ctx: Context;
 * declare const request: Parameters<typeof signInAgain>[2];
 * const { credentials, cacheJson } = await signInAgain(ctx, { timeoutMs: 120_000 }, request);
 * ```
 * @module
 */

import { AwsSigninError, SignInRefusedError } from "../errors.ts";
import type { Context } from "../cli/context.ts";
import { loginCommand } from "../config/selection.ts";
import { authorizeBase } from "../endpoints/resolve.ts";
import { loginCacheJson } from "../cache/login_cache_write.ts";
import type { AutoLogin, Credentials } from "../credentials/types.ts";
import { generateDpopKey, toSec1Pem } from "../signin/dpop.ts";
import { readIdToken } from "../signin/id_token.ts";
import { codeChallenge, codeVerifier } from "../signin/pkce.ts";
import { exchangeCode } from "../signin/token_errors.ts";
import { uuidV4 } from "../util/encoding.ts";
import { sameDeviceFlow } from "./same_device.ts";

/** The request an {@linkcode AutoLogin} gets when a session has to be signed in again. */
type SignInRequest = Parameters<AutoLogin["signIn"]>[0];

/**
 * Signs the profile's session in again in the browser, for `--auto-login`
 * (see {@linkcode autoLoginFor} in `lib/commands/_credentials.ts`, which
 * loads this module only when a sign-in starts).
 */
export async function signInAgain(
  ctx: Context,
  options: {
    readonly timeoutMs: number;
    readonly onSignIn?: (active: boolean) => void;
  },
  request: SignInRequest,
): Promise<Awaited<ReturnType<AutoLogin["signIn"]>>> {
  const retry = loginCommand(request.profile.name);
  ctx.warn(
    `The login session of profile '${request.profile.name}' ${request.reason}: signing in again in your ` +
      `browser (--auto-login; waiting up to ${
        Math.round(options.timeoutMs / 1000)
      } s).`,
  );
  // What the flow prints goes to stderr: stdout is the credentials' (credential_process).
  const io = { ...ctx.io, out: (text: string) => ctx.io.err(text) };
  const verifier = codeVerifier(ctx.random);
  const key = await generateDpopKey();
  options.onSignIn?.(true);
  try {
    const authorization = await sameDeviceFlow({ ...ctx, io }, {
      base: authorizeBase(request.endpoint),
      state: uuidV4(ctx.random),
      challenge: await codeChallenge(verifier),
      profile: request.profile.name,
      timeoutSeconds: Math.max(1, Math.round(options.timeoutMs / 1000)),
    }, { noBrowser: false });
    const token = await exchangeCode({
      endpoint: request.endpoint,
      authorization,
      codeVerifier: verifier,
      key,
      profile: request.profile.name,
      now: ctx.now,
      fetch: request.fetch,
      sleep: ctx.sleep,
      signal: ctx.signal,
      debug: (m) => ctx.debug(m),
    });
    let session;
    try {
      if (!token.idToken) throw new Error("the answer has no ID token");
      session = readIdToken(token.idToken);
    } catch (error) {
      throw new AwsSigninError(
        `The sign-in did not say which session it is for (${
          (error as Error).message
        }), so nothing was saved. Run '${retry}' in a terminal.`,
      );
    }
    if (session.loginSession !== request.session) {
      throw new SignInRefusedError(
        `The browser signed in to session ${session.loginSession}, not to ${request.session}, the session of ` +
          `profile '${request.profile.name}', so nothing was saved: aws-signin never switches a profile's ` +
          `session on its own. To use the other session, run '${retry}' in a terminal.`,
      );
    }
    const expiresAtMs = ctx.now() + token.expiresIn * 1000;
    const credentials: Credentials = {
      accessKeyId: token.accessKeyId,
      secretAccessKey: token.secretAccessKey,
      sessionToken: token.sessionToken,
      expiration: Math.floor(expiresAtMs / 1000) * 1000,
      accountId: session.accountId,
      method: "login",
    };
    ctx.warn(
      `Signed in again: profile '${request.profile.name}' has fresh credentials.`,
    );
    return {
      credentials,
      cacheJson: loginCacheJson({
        accessKeyId: token.accessKeyId,
        secretAccessKey: token.secretAccessKey,
        sessionToken: token.sessionToken,
        accountId: session.accountId,
        expiresAtMs,
        tokenType: token.tokenType ?? "aws_sigv4",
        clientId: authorization.clientId,
        refreshToken: token.refreshToken,
        idToken: token.idToken,
        dpopKeyPem: toSec1Pem(key.jwk),
        signInRegion: request.region,
      }),
    };
  } finally {
    options.onSignIn?.(false);
  }
}
