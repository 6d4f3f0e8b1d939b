/**
 * A temp home signed in to the emulator as profile `dev` (a login session),
 * with role profiles on top of it, for the role tests.
 */
import {
  type EmulatorServer,
  startEmulator,
} from "../../lib/emulator/server.ts";
import {
  DEMO_SESSION,
  loginThrough,
  sha256HexSync,
  type TempHome,
  tempHome,
} from "../helpers.ts";

export const ADMIN = "arn:aws:iam::444455556666:role/Admin";
export const DEEP = "arn:aws:iam::777788889999:role/Deep";
export const PARTNER = "arn:aws:iam::444455556666:role/Partner";
export const SECURE = "arn:aws:iam::444455556666:role/Secure";
export const MFA_SERIAL = "arn:aws:iam::111122223333:mfa/demo";

/** The emulator with the test roles: Admin and Deep, Partner (external id "xid-42"), Secure (MFA). */
export function roleEmulator(): Promise<EmulatorServer> {
  return startEmulator({
    autoApprove: true,
    roles: [ADMIN, DEEP, PARTNER, SECURE],
    roleExternalIds: { [PARTNER]: "xid-42" },
    roleMfa: [SECURE],
  });
}

/** Signs `dev` in and appends `profiles` (INI text) to the config. */
export async function roleHome(
  server: EmulatorServer,
  profiles: string,
): Promise<TempHome & { env: Record<string, string> }> {
  const home = await tempHome();
  await loginThrough(server.url, home);
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(home.config)}region = us-east-1\n\n${profiles}`,
  );
  return Object.assign(home, {
    env: {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      AWS_ENDPOINT_URL_STS: server.url,
    },
  });
}

/** The STS and Sign-In calls the emulator saw after the setup's login, as `operation/status`. */
export function calls(server: EmulatorServer): string[] {
  return server.emulator.requests
    .filter((r) =>
      r.operation === "AssumeRole" || r.operation === "GetCallerIdentity" ||
      (r.operation === "CreateOAuth2Token" &&
        r.grantType !== "authorization_code")
    )
    .map((r) =>
      `${r.operation}${r.grantType ? `(${r.grantType})` : ""}/${r.status}`
    );
}

/** The credentials of the setup's login, from its cache entry. */
export async function loginKeys(home: TempHome): Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}> {
  return JSON.parse(
    await Deno.readTextFile(
      `${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`,
    ),
  ).accessToken;
}
