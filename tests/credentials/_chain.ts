/**
 * Helpers for the tests of the credential chain's other sources (web
 * identity, the container endpoint): tokens from the emulator, a container
 * endpoint on 127.0.0.1 that records what it was asked, and botocore run as
 * the AWS CLI runs it.
 */
import { baseEnv, ROOT, runProcess, type RunResult } from "../helpers.ts";

/** Asks the emulator for a web identity token (`/_emulator/web-identity-token`). */
export async function webIdentityToken(
  url: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const response = await fetch(`${url}/_emulator/web-identity-token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`token refused: ${answer.message}`);
  return answer.token;
}

/** One request a {@linkcode ContainerEndpoint} saw. */
export interface SeenRequest {
  readonly path: string;
  readonly authorization: string | null;
}

/** A container credentials endpoint on 127.0.0.1 that answers from a queue of statuses. */
export interface ContainerEndpoint extends AsyncDisposable {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** Statuses the next requests get (then 200). */
  readonly failNext: number[];
}

/** The credentials a {@linkcode ContainerEndpoint} hands out. */
export const CONTAINER_CREDS = {
  AccessKeyId: "ASIACONTAINER0000001",
  SecretAccessKey: "container-secret",
  Token: "container-token",
  Expiration: "2099-01-02T03:04:05Z",
  AccountId: "123456789012",
} as const;

/** Starts a container endpoint; `token` is the Authorization it wants (any when `undefined`). */
export function containerEndpoint(
  token?: string,
): ContainerEndpoint {
  const seen: SeenRequest[] = [];
  const failNext: number[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => {
      const url = new URL(req.url);
      seen.push({
        path: url.pathname,
        authorization: req.headers.get("authorization"),
      });
      const status = failNext.shift();
      if (status !== undefined) {
        return new Response(`{"message": "failing with ${status}"}`, {
          status,
        });
      }
      if (token !== undefined && req.headers.get("authorization") !== token) {
        return new Response('{"message": "wrong token"}', { status: 401 });
      }
      return Response.json(CONTAINER_CREDS);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    failNext,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/**
 * botocore's default chain as the AWS CLI sets it up (the role cache in
 * ~/.aws/cli/cache for assume-role and web identity), for `profile` (given
 * explicitly, as --profile does) or the environment's: `{method, accessKeyId,
 * expiration}` or the error on stderr and exit 1. IMDS is always disabled.
 */
export async function botocoreChain(
  env: Record<string, string>,
  profile?: string,
): Promise<RunResult> {
  return await runProcess(
    "python3",
    [
      `${ROOT}/tests/interop/_botocore_cli_chain.py`,
      ...(profile ? [profile] : []),
    ],
    { ...baseEnv(), ...env, AWS_EC2_METADATA_DISABLED: "true", TRACEBACK: "1" },
  );
}
