/**
 * AWS partitions, their regions, and the endpoints of the Sign-In and STS
 * services (protocol.md §1 and §12) and of IAM Identity Center's OIDC and
 * portal services (protocol-sso.md §5).
 *
 * @example
 * ```ts
 * signinEndpoint("us-east-1"); // "https://us-east-1.signin.aws.amazon.com"
 * stsEndpoint("cn-north-1");   // "https://sts.cn-north-1.amazonaws.com.cn"
 * ssoOidcEndpoint("us-east-1"); // "https://oidc.us-east-1.amazonaws.com"
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";

/** One AWS partition. */
export interface Partition {
  readonly id: string;
  readonly regionRegex: RegExp;
  readonly regions: readonly string[];
  readonly dnsSuffix: string;
  /** partitions.json's `dualStackDnsSuffix` (every partition has one there). */
  readonly dualStackDnsSuffix: string;
  /** Host suffix of the Sign-In service: `{region}.{signin}`. */
  readonly signin: string;
  readonly supportsFips: boolean;
  /**
   * Whether Sign-In has a dual-stack endpoint here (the project's rule for
   * `signinEndpoint`; partitions.json now says every partition supports
   * dual-stack, which is what the IAM Identity Center rules go by).
   */
  readonly supportsDualStack: boolean;
}

/** The partitions, most specific region pattern first. */
export const PARTITIONS: readonly Partition[] = [
  {
    id: "aws-us-gov",
    regionRegex: /^us-gov-\w+-\d+$/,
    regions: ["us-gov-east-1", "us-gov-west-1"],
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    signin: "signin.amazonaws-us-gov.com",
    supportsFips: true,
    supportsDualStack: true,
  },
  {
    id: "aws-iso",
    regionRegex: /^us-iso-\w+-\d+$/,
    regions: ["us-iso-east-1", "us-iso-west-1"],
    dnsSuffix: "c2s.ic.gov",
    dualStackDnsSuffix: "api.aws.ic.gov",
    signin: "signin.c2shome.ic.gov",
    supportsFips: true,
    supportsDualStack: false,
  },
  {
    id: "aws-iso-b",
    regionRegex: /^us-isob-\w+-\d+$/,
    regions: ["us-isob-east-1", "us-isob-west-1"],
    dnsSuffix: "sc2s.sgov.gov",
    dualStackDnsSuffix: "api.aws.scloud",
    signin: "signin.sc2shome.sgov.gov",
    supportsFips: true,
    supportsDualStack: false,
  },
  {
    id: "aws-iso-e",
    regionRegex: /^eu-isoe-\w+-\d+$/,
    regions: ["eu-isoe-west-1"],
    dnsSuffix: "cloud.adc-e.uk",
    dualStackDnsSuffix: "api.cloud-aws.adc-e.uk",
    signin: "signin.csphome.adc-e.uk",
    supportsFips: true,
    supportsDualStack: false,
  },
  {
    id: "aws-iso-f",
    regionRegex: /^us-isof-\w+-\d+$/,
    regions: ["us-isof-east-1", "us-isof-south-1"],
    dnsSuffix: "csp.hci.ic.gov",
    dualStackDnsSuffix: "api.aws.hci.ic.gov",
    signin: "signin.csphome.hci.ic.gov",
    supportsFips: true,
    supportsDualStack: false,
  },
  {
    id: "aws-eusc",
    regionRegex: /^eusc-(de)-\w+-\d+$/,
    regions: ["eusc-de-east-1"],
    dnsSuffix: "amazonaws.eu",
    dualStackDnsSuffix: "api.amazonwebservices.eu",
    signin: "signin.amazonaws-eusc.eu",
    supportsFips: true,
    supportsDualStack: false,
  },
  {
    id: "aws-cn",
    regionRegex: /^cn-\w+-\d+$/,
    regions: ["cn-north-1", "cn-northwest-1"],
    dnsSuffix: "amazonaws.com.cn",
    dualStackDnsSuffix: "api.amazonwebservices.com.cn",
    signin: "signin.amazonaws.cn",
    supportsFips: true,
    supportsDualStack: true,
  },
  {
    id: "aws",
    regionRegex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
    regions: [
      "af-south-1",
      "ap-east-1",
      "ap-east-2",
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-northeast-3",
      "ap-south-1",
      "ap-south-2",
      "ap-southeast-1",
      "ap-southeast-2",
      "ap-southeast-3",
      "ap-southeast-4",
      "ap-southeast-5",
      "ap-southeast-6",
      "ap-southeast-7",
      "ca-central-1",
      "ca-west-1",
      "eu-central-1",
      "eu-central-2",
      "eu-north-1",
      "eu-south-1",
      "eu-south-2",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "il-central-1",
      "me-central-1",
      "me-south-1",
      "mx-central-1",
      "sa-east-1",
      "us-east-1",
      "us-east-2",
      "us-west-1",
      "us-west-2",
    ],
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    signin: "signin.aws.amazon.com",
    supportsFips: true,
    supportsDualStack: true,
  },
];

const AWS = PARTITIONS[PARTITIONS.length - 1]!;

/** Every known region of every partition (for the region prompt). */
export const KNOWN_REGIONS: readonly string[] = PARTITIONS.flatMap((p) =>
  p.regions
).sort();

/** The partition of a region; unknown regions belong to `aws`, as in the endpoint rules. */
export function partitionOf(region: string): Partition {
  return PARTITIONS.find((p) => p.regions.includes(region)) ??
    PARTITIONS.find((p) => p.regionRegex.test(region)) ?? AWS;
}

/** Whether a region name is a valid host label (the endpoint rules refuse others). */
export function isValidRegionName(region: string): boolean {
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(region);
}

function checkRegion(region: string): void {
  if (region === "") {
    throw new ConfigurationError("Invalid Configuration: Missing Region");
  }
  if (!isValidRegionName(region)) {
    throw new ConfigurationError(
      `Invalid region "${region}": expected a name such as us-east-1.`,
    );
  }
}

/** Endpoint variants. */
export interface EndpointOptions {
  readonly fips?: boolean;
  readonly dualStack?: boolean;
}

/** The Sign-In endpoint of a region (scheme and host, no path). */
export function signinEndpoint(
  region: string,
  options: EndpointOptions = {},
): string {
  checkRegion(region);
  const p = partitionOf(region);
  const { fips = false, dualStack = false } = options;
  if ((fips && !p.supportsFips) || (dualStack && !p.supportsDualStack)) {
    throw new ConfigurationError(
      `The ${p.id} partition has no ${
        fips ? "FIPS" : "dual-stack"
      } Sign-In endpoint for ${region}.`,
    );
  }
  if (fips && dualStack) {
    return `https://signin-fips.${region}.${p.dualStackDnsSuffix}`;
  }
  if (dualStack) return `https://signin.${region}.${p.dualStackDnsSuffix}`;
  if (fips) {
    if (p.id === "aws-us-gov") {
      return region === "us-gov-west-1"
        ? "https://signin-fips.amazonaws-us-gov.com"
        : `https://${region}.signin-fips.amazonaws-us-gov.com`;
    }
    return `https://signin-fips.${region}.${p.dnsSuffix}`;
  }
  return `https://${region}.${p.signin}`;
}

/** The regional STS endpoint. */
export function stsEndpoint(
  region: string,
  options: EndpointOptions = {},
): string {
  checkRegion(region);
  const p = partitionOf(region);
  const suffix = options.dualStack ? p.dualStackDnsSuffix : p.dnsSuffix;
  return `https://sts${options.fips ? "-fips" : ""}.${region}.${suffix}`;
}

/**
 * A host of IAM Identity Center's endpoint rules (the same for `sso-oidc`
 * and the portal): `{prefix}.{region}.{suffix}`, `{prefix}-fips...` with
 * FIPS, the dual-stack suffix with dual-stack; FIPS alone in aws-us-gov is
 * the plain `amazonaws.com` host. Every partition of partitions.json
 * supports FIPS and dual-stack, so no combination is refused.
 */
function ssoRuleEndpoint(
  prefix: string,
  region: string,
  options: EndpointOptions,
): string {
  checkRegion(region);
  const p = partitionOf(region);
  const { fips = false, dualStack = false } = options;
  if (fips && dualStack) {
    return `https://${prefix}-fips.${region}.${p.dualStackDnsSuffix}`;
  }
  if (fips) {
    return p.id === "aws-us-gov"
      ? `https://${prefix}.${region}.amazonaws.com`
      : `https://${prefix}-fips.${region}.${p.dnsSuffix}`;
  }
  if (dualStack) return `https://${prefix}.${region}.${p.dualStackDnsSuffix}`;
  return `https://${prefix}.${region}.${p.dnsSuffix}`;
}

/**
 * The IAM Identity Center OIDC endpoint (`sso-oidc`: RegisterClient,
 * StartDeviceAuthorization, CreateToken, and the `/authorize` page).
 *
 * @example
 * ```ts
 * ssoOidcEndpoint("us-gov-west-1", { fips: true }); // "https://oidc.us-gov-west-1.amazonaws.com"
 * ```
 * @throws {ConfigurationError} `Invalid Configuration: Missing Region` for an empty region.
 */
export function ssoOidcEndpoint(
  region: string,
  options: EndpointOptions = {},
): string {
  return ssoRuleEndpoint("oidc", region, options);
}

/**
 * The IAM Identity Center portal endpoint (`sso`: GetRoleCredentials,
 * ListAccounts, ListAccountRoles, Logout).
 *
 * @example
 * ```ts
 * ssoPortalEndpoint("eu-west-1"); // "https://portal.sso.eu-west-1.amazonaws.com"
 * ssoPortalEndpoint("us-east-1", { fips: true }); // "https://portal.sso-fips.us-east-1.amazonaws.com"
 * ```
 * @throws {ConfigurationError} `Invalid Configuration: Missing Region` for an empty region.
 */
export function ssoPortalEndpoint(
  region: string,
  options: EndpointOptions = {},
): string {
  return ssoRuleEndpoint("portal.sso", region, options);
}
