/**
 * Signing in to IAM Identity Center (protocol-sso.md §2): the start URL
 * resolved (vanity URLs), the OIDC client registration reused or made, then
 * either the authorization code with PKCE (a callback on 127.0.0.1, the
 * browser given a one-time local link, as `login` does) or the device code
 * (a code to confirm in any browser; the page opened through a one-time
 * link too), and the token to save. Prints what the AWS CLI prints, to the
 * `out` it is given (stdout for `sso login`, stderr for `--auto-login`).
 * The caller writes the token file (under its lock); the registration file
 * is written here, as the AWS CLI does, only when the client registered
 * again.
 *
 * @example
 * ```ts
 * import type { FlowContext } from "./authorization.ts";
 * import type { SsoLoginConfig } from "../config/sso_config.ts";
 * import type { ResolvedProfile } from "../config/selection.ts";
 * declare const ctx: FlowContext, config: SsoLoginConfig, profile: ResolvedProfile;
 * const { token } = await ssoSignIn(ctx, { config, profile, flow: "auth", noBrowser: false, fetch });
 * ```
 * @module
 */

import type { ResolvedProfile } from "../config/selection.ts";
import type { SsoLoginConfig } from "../config/sso_config.ts";
import { resolveEndpoint } from "../endpoints/resolve.ts";
import {
  isRegistrationReusable,
  readRegistration,
  registeredScopes,
  type Registration,
  type RegistrationFlow,
  registrationFromResponse,
  registrationJson,
  registrationKey,
} from "../cache/sso_registration.ts";
import {
  type NewSsoToken,
  ssoCacheDir,
  ssoTokenFile,
  ssoTokenKey,
  writeSsoCacheFile,
} from "../cache/sso_token_cache.ts";
import {
  exchangeAuthorizationCode,
  registerClient,
  registerClientRequest,
  type SsoTokenResponse,
  startDeviceAuthorization,
} from "../sso/oidc_client.ts";
import { pollDeviceToken } from "../sso/device_poll.ts";
import type { SsoClientOptions } from "../sso/_wire.ts";
import { AuthCodeError, CallbackHandlerError } from "../sso/errors.ts";
import { ssoAuthorizeBase, ssoAuthorizeUrl } from "../sso/authorize.ts";
import { resolveStartUrl } from "../sso/start_url.ts";
import { codeChallenge, codeVerifier } from "../signin/pkce.ts";
import { waitFor } from "../cli/prompts.ts";
import { startSpinner } from "../cli/spinner.ts";
import { uuidV4 } from "../util/encoding.ts";
import type { FlowContext } from "./authorization.ts";
import { startCallbackServer } from "./callback_server.ts";
import { linkOpenedTwice, serveOneTimeLink } from "./handoff.ts";

/** How long the authorization-code flow waits for the browser (the AWS CLI's 600 s). */
export const AUTH_CODE_WAIT_SECONDS = 600;

/** What a sign-in needs. */
export interface SsoSignInOptions {
  /** What to sign in to (`sso login`'s choice of session or legacy profile). */
  readonly config: SsoLoginConfig;
  /** The command's profile: its `[services]`, `endpoint_url` and CA bundle apply to the OIDC calls. */
  readonly profile: ResolvedProfile;
  /** `auth`: authorization code + PKCE; `device`: device code. */
  readonly flow: "auth" | "device";
  /** Print the URL without trying to open a browser. */
  readonly noBrowser: boolean;
  /** The network (trusting the profile's CA bundle). */
  readonly fetch: typeof fetch;
  /** Where the callback listens (default any free port). */
  readonly redirectPort?: number | undefined;
  /** How long to wait for the person (default {@linkcode AUTH_CODE_WAIT_SECONDS}; the device code's own expiry applies too). */
  readonly timeoutSeconds?: number | undefined;
  /** Where the flow's text goes (default `ctx.io.out`). */
  readonly out?: ((text: string) => Promise<void>) | undefined;
  /** Per-attempt timeout of the calls (`--cli-read-timeout`). */
  readonly callTimeoutMs?: number | undefined;
}

/** What a sign-in gives. */
export interface SsoSignInResult {
  /** The token to save (the caller writes it under the token file's lock). */
  readonly token: NewSsoToken;
  /** The token file (`sha1(session)` or `sha1(start URL)`). */
  readonly tokenFile: string;
  /** The SSO region used: a vanity start URL's own, else the configured one. */
  readonly region: string;
}

/** Runs the sign-in and returns the token to save. */
export async function ssoSignIn(
  ctx: FlowContext,
  options: SsoSignInOptions,
): Promise<SsoSignInResult> {
  const { config, profile } = options;
  const out = options.out ?? ((text: string) => ctx.io.out(text));
  const resolved = await resolveStartUrl(config.startUrl, {
    configuredRegion: config.region,
    fetch: options.fetch,
    signal: ctx.signal,
    debug: (m) => ctx.debug(m),
  });
  const region = resolved.region;
  const endpoint = resolveEndpoint("sso-oidc", {
    region,
    env: ctx.env,
    profile: profile.settings,
    shared: profile.shared,
  });
  ctx.debug(
    `IAM Identity Center OIDC endpoint ${endpoint.url} (from ${endpoint.source})`,
  );
  const client: SsoClientOptions = {
    endpoint: endpoint.url,
    fetch: options.fetch,
    now: ctx.now,
    sleep: ctx.sleep,
    signal: ctx.signal,
    debug: (m) => ctx.debug(m),
    ...(options.callTimeoutMs !== undefined
      ? { timeoutMs: options.callTimeoutMs }
      : {}),
  };
  const registrationFlow: RegistrationFlow = options.flow === "auth"
    ? "authorization_code"
    : "device_code";
  const registration = await clientRegistration(ctx, {
    config,
    region,
    issuerUrl: resolved.url,
    flow: registrationFlow,
    client: options.flow === "auth"
      ? { ...client, userAgentExtra: "md/sso#auth" }
      : client,
  });
  const answer = options.flow === "auth"
    ? await authorizationCodeFlow(ctx, options, {
      out,
      client: { ...client, userAgentExtra: "md/sso#auth" },
      oidcEndpoint: endpoint.url,
      registration,
    })
    : await deviceCodeFlow(ctx, options, {
      out,
      client,
      registration,
      startUrl: resolved.url,
    });
  const dir = ssoCacheDir(ctx.env);
  return {
    token: {
      startUrl: config.startUrl,
      region,
      accessToken: answer.accessToken,
      expiresAtMs: ctx.now() + answer.expiresIn * 1000,
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      registrationExpiresAt: registration.expiresAt,
      refreshToken: answer.refreshToken,
    },
    tokenFile: ssoTokenFile(
      dir,
      await ssoTokenKey({
        startUrl: config.startUrl,
        ...(config.sessionName !== undefined
          ? { sessionName: config.sessionName }
          : {}),
      }),
    ),
    region,
  };
}

/** The cached client registration when it may be used again, else a new one (written beside the tokens). */
async function clientRegistration(
  ctx: FlowContext,
  init: {
    readonly config: SsoLoginConfig;
    readonly region: string;
    readonly issuerUrl: string;
    readonly flow: RegistrationFlow;
    readonly client: SsoClientOptions;
  },
): Promise<Registration> {
  const { config } = init;
  const file = ssoTokenFile(
    ssoCacheDir(ctx.env),
    await registrationKey({
      startUrl: config.startUrl,
      region: init.region,
      scopes: config.registrationScopes,
      sessionName: config.sessionName ?? null,
    }),
  );
  const cached = readRegistration(file);
  if (cached && isRegistrationReusable(cached, init.flow, ctx.now())) {
    ctx.debug(`reusing the client registration ${file}`);
    return cached;
  }
  const response = await registerClient(
    init.client,
    registerClientRequest(init.flow, {
      sessionName: config.sessionName ?? null,
      scopes: config.registrationScopes,
      issuerUrl: init.issuerUrl,
      now: ctx.now(),
    }),
  );
  const registration = registrationFromResponse(response, {
    flow: init.flow,
    scopes: config.registrationScopes,
  });
  await writeSsoCacheFile(
    file,
    registrationJson(registration),
    (m) => ctx.debug(m),
  );
  ctx.debug(`registered a client; wrote ${file}`);
  return registration;
}

async function authorizationCodeFlow(
  ctx: FlowContext,
  options: SsoSignInOptions,
  init: {
    readonly out: (text: string) => Promise<void>;
    readonly client: SsoClientOptions;
    readonly oidcEndpoint: string;
    readonly registration: Registration;
  },
): Promise<SsoTokenResponse> {
  const state = uuidV4();
  const verifier = codeVerifier();
  let server;
  try {
    server = await startCallbackServer({
      ...(options.redirectPort ? { port: options.redirectPort } : {}),
      expectedState: state,
      profile: options.config.profile,
      retryCommand: "aws-signin sso login",
    });
  } catch (error) {
    throw new CallbackHandlerError((error as Error).message);
  }
  await using _server = server;
  const timeoutSeconds = options.timeoutSeconds ?? AUTH_CODE_WAIT_SECONDS;
  const authorize = ssoAuthorizeUrl(ssoAuthorizeBase(init.oidcEndpoint), {
    clientId: init.registration.clientId,
    redirectUri: server.redirectUri,
    state,
    scopes: registeredScopes(options.config.registrationScopes),
    codeChallenge: await codeChallenge(verifier),
  });
  // The browser and the terminal get a one-time local link, never the authorize URL itself (ps).
  const handoff = server.handoff(authorize, timeoutSeconds + 60);
  const link = handoff.url;
  if (options.noBrowser) {
    await init.out(
      `Browser will not be automatically opened.\nPlease visit the following URL:\n\n${link}\n`,
    );
  } else {
    await init.out(
      "Attempting to open your default browser. If the browser does not open, open the following URL.\n" +
        "If you are unable to open the URL on this device, run this command again with the " +
        `'--use-device-code' option.\n\n${link}\n\n`,
    );
    if (
      !await ctx.openBrowser(link, {
        env: ctx.env,
        debug: (m) => ctx.debug(m),
        opened: handoff.wasOpened,
      })
    ) {
      ctx.debug(
        "no browser could be opened; waiting for the link to be opened by hand",
      );
    }
  }
  const spinner = startSpinner(
    ctx.io,
    "Waiting for the browser",
    ctx.now,
    ctx.env.TERM === "dumb",
  );
  let result;
  try {
    result = await waitFor(
      ctx,
      server.result,
      timeoutSeconds,
      "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token " +
        "must be restarted.",
    );
  } finally {
    await spinner.stop();
  }
  if (result.kind === "reused") {
    throw linkOpenedTwice();
  }
  if (result.kind === "error") throw new AuthCodeError("no-code");
  return await exchangeAuthorizationCode(init.client, {
    clientId: init.registration.clientId,
    clientSecret: init.registration.clientSecret,
    redirectUri: server.redirectUri,
    codeVerifier: verifier,
    code: result.code,
  });
}

async function deviceCodeFlow(
  ctx: FlowContext,
  options: SsoSignInOptions,
  init: {
    readonly out: (text: string) => Promise<void>;
    readonly client: SsoClientOptions;
    readonly registration: Registration;
    readonly startUrl: string;
  },
): Promise<SsoTokenResponse> {
  const device = await startDeviceAuthorization(init.client, {
    clientId: init.registration.clientId,
    clientSecret: init.registration.clientSecret,
    startUrl: init.startUrl,
  });
  // The page that fills in the code goes to the browser through a one-time link (its URL lets whoever
  // opens it approve this sign-in with their own account); it is closed when the sign-in ends.
  let link: ReturnType<typeof serveOneTimeLink> | undefined;
  let waiting = { stop: () => Promise.resolve() };
  // A second opening of the link (another program raced the browser to it) stops the sign-in.
  const stop = new AbortController();
  let reused = false;
  const client: SsoClientOptions = {
    ...init.client,
    signal: init.client.signal
      ? AbortSignal.any([init.client.signal, stop.signal])
      : stop.signal,
  };
  try {
    return await pollDeviceToken(client, {
      clientId: init.registration.clientId,
      clientSecret: init.registration.clientSecret,
      deviceCode: device.deviceCode,
      interval: device.interval,
    }, {
      deadline: ctx.now() +
        Math.min(device.expiresIn, options.timeoutSeconds ?? Infinity) * 1000,
      onPending: async () => {
        const complete = device.verificationUriComplete ??
          device.verificationUri;
        if (options.noBrowser) {
          await init.out(
            `Browser will not be automatically opened.\nPlease visit the following URL:\n\n${device.verificationUri}\n` +
              `\nThen enter the code:\n\n${device.userCode}\n` +
              `\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n` +
              `${complete}\n`,
          );
        } else {
          await init.out(
            "Attempting to open your default browser.\n" +
              "If the browser does not open or you wish to use a different device to authorize this request, " +
              `open the following URL:\n\n${device.verificationUri}\n\nThen enter the code:\n\n${device.userCode}\n`,
          );
          link = serveOneTimeLink(complete);
          void link.reused.then(() => {
            reused = true;
            stop.abort();
          });
          if (
            !await ctx.openBrowser(link.url, {
              env: ctx.env,
              debug: (m) => ctx.debug(m),
              opened: link.wasOpened,
            })
          ) {
            ctx.debug(
              "no browser could be opened; the code can be entered by hand",
            );
          }
        }
        waiting = startSpinner(
          ctx.io,
          "Waiting for the code to be confirmed",
          ctx.now,
          ctx.env.TERM === "dumb",
        );
      },
    });
  } catch (error) {
    if (reused) {
      throw linkOpenedTwice();
    }
    throw error;
  } finally {
    await waiting.stop();
    await link?.close();
  }
}
