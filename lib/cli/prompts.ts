/**
 * Asking the person at the terminal, and waiting with a deadline: the
 * region prompt and yes/no question of `login` (the AWS CLI's wording), and
 * a wait that ends on timeout or Ctrl-C.
 *
 * @example
 * ```ts
 * import { testContext } from "./context.ts";
 * const ctx = testContext({ input: "y\n" });
 * await askYesNo(ctx.io, "Overwrite? (y/n): "); // true
 * ```
 * @module
 */

import {
  AwsSigninError,
  InterruptedError,
  WaitTimeoutError,
} from "../errors.ts";
import { isValidRegionName } from "../endpoints/partitions.ts";
import { safeText } from "../util/safe_text.ts";
import type { Context } from "./context.ts";
import type { Io } from "./io.ts";

const REGION_PREAMBLE =
  "No AWS region has been configured. The AWS region is the geographic location of your " +
  "AWS resources.\n\nIf you have used AWS before and already have resources in your account, choose the region " +
  "they are in. If not, choose one close to you. The regions are listed at " +
  "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html.\n\n" +
  'You are able to change the region at any time with the command "aws-signin configure set region NEW_REGION".\n';

/**
 * Asks for a region (an empty answer is us-east-1) until the answer is
 * shaped like one. Any such name is accepted, as the AWS CLI accepts it: AWS
 * opens regions every year; a name not in `known` gets a one-line note.
 */
export async function promptRegion(
  io: Io,
  known: readonly string[],
): Promise<string> {
  await io.out(REGION_PREAMBLE);
  for (;;) {
    await io.out("\nAWS Region [us-east-1]: ");
    const answer = await io.readLine();
    if (answer === null) {
      throw new AwsSigninError("Login canceled: no region was entered.");
    }
    const region = answer.trim() === "" ? "us-east-1" : answer.trim();
    if (!isValidRegionName(region)) {
      await io.out(
        `"${
          safeText(region)
        }" is not a region name: use lowercase letters, digits and hyphens, for example us-east-1.\n`,
      );
      continue;
    }
    if (!known.includes(region)) {
      await io.out(
        `"${region}" is not a region aws-signin knows of; using it anyway.\n`,
      );
    }
    return region;
  }
}

/** Asks a yes/no question until answered (`y`/`yes`/`n`/`no`, any case); end of input is no. */
export async function askYesNo(io: Io, question: string): Promise<boolean> {
  for (;;) {
    await io.out(question);
    const answer = await io.readLine();
    if (answer === null) {
      await io.out("\n");
      return false;
    }
    const a = answer.trim().toLowerCase();
    if (a === "y" || a === "yes") return true;
    if (a === "n" || a === "no") return false;
    await io.out('Invalid response. Please enter "y" or "n"\n');
  }
}

/**
 * Waits for `work`, giving up after `timeoutSeconds` (measured with the
 * context's `sleep`) or when the user presses Ctrl-C.
 *
 * @throws {AwsSigninError} with `onTimeout` as its message on timeout.
 * @throws {InterruptedError} on Ctrl-C.
 */
export async function waitFor<T>(
  ctx: Pick<Context, "signal" | "sleep">,
  work: Promise<T>,
  timeoutSeconds: number,
  onTimeout: string,
): Promise<T> {
  const done = new AbortController();
  const signal = AbortSignal.any([done.signal, ctx.signal]);
  try {
    return await Promise.race([
      work,
      ctx.sleep(timeoutSeconds * 1000, signal).then(() => {
        if (ctx.signal.aborted) throw new InterruptedError("Login canceled.");
        if (!done.signal.aborted) throw new WaitTimeoutError(onTimeout);
        return new Promise<never>(() => {});
      }),
    ]);
  } finally {
    done.abort();
  }
}
