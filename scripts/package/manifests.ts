/**
 * The package managers' manifests, each pointing at the release's own
 * binaries with the hashes `SHA256SUMS` lists: a Homebrew formula for a tap
 * (macOS and Linux, Intel and ARM), a Scoop manifest (with `checkver` and
 * `autoupdate` from the next release's SHA256SUMS), and winget's three
 * manifests of a portable installer (version, installer, default locale).
 *
 * @example
 * ```ts
 * import { homebrewFormula } from "./manifests.ts";
 * declare const sums: Record<string, string>;
 * homebrewFormula({ version: "1.2.3", repo: "owner/aws-signin", sums });
 * ```
 * @module
 */

import {
  assetFor,
  COMMAND,
  DESCRIPTION,
  downloadUrl,
  homepage,
  LICENSE_ID,
  SUMMARY,
} from "./product.ts";

/** What a manifest names: the release and the sha256 of each asset. */
export interface ManifestInput {
  readonly version: string;
  readonly repo: string;
  readonly sums: Readonly<Record<string, string>>;
}

const rubyString = (s: string) => JSON.stringify(s).replaceAll("#{", "\\#{");

/** `aws-signin.rb`, for a tap's `Formula/` folder. */
export function homebrewFormula(input: ManifestInput): string {
  const block = (os: "macos" | "linux", cpu: "aarch64" | "x86_64") => {
    const asset = assetFor(os, cpu).name;
    return [
      `      url ${rubyString(downloadUrl(input.repo, input.version, asset))}`,
      `      sha256 ${rubyString(input.sums[asset]!)}`,
    ].join("\n");
  };
  return `# Written by \`deno task package\` for ${COMMAND} ${input.version}: the release's binaries, with the hashes of its SHA256SUMS.
class AwsSignin < Formula
  desc ${rubyString(SUMMARY)}
  homepage ${rubyString(homepage(input.repo))}
  version ${rubyString(input.version)}
  license ${rubyString(LICENSE_ID)}

  livecheck do
    url :stable
    strategy :github_latest
  end

  on_macos do
    on_arm do
${block("macos", "aarch64")}
    end
    on_intel do
${block("macos", "x86_64")}
    end
  end

  on_linux do
    on_arm do
${block("linux", "aarch64")}
    end
    on_intel do
${block("linux", "x86_64")}
    end
  end

  def install
    # The binary exactly as released: a deno compile binary carries its program
    # after the ELF/Mach-O image, and stripping or patching it breaks it.
    bin.install Dir["aws-signin-*"].first => "aws-signin"
    generate_completions_from_executable(bin/"aws-signin", "completion", shells: [:bash, :zsh, :fish])
  end

  test do
    assert_equal "aws-signin #{version}\\n", shell_output("#{bin}/aws-signin --version")
  end
end
`;
}

/** `aws-signin.json`, for a Scoop bucket (or `scoop install <its URL>`). */
export function scoopManifest(input: ManifestInput): string {
  const asset = assetFor("windows", "x86_64").name;
  const url = (version: string) =>
    `${downloadUrl(input.repo, version, asset)}#/${COMMAND}.exe`;
  const manifest = {
    version: input.version,
    description: SUMMARY,
    homepage: homepage(input.repo),
    license: LICENSE_ID,
    notes:
      `Sign in with: ${COMMAND} login. Your ~/.aws files stay as they are.`,
    architecture: {
      "64bit": { url: url(input.version), hash: input.sums[asset] },
    },
    bin: `${COMMAND}.exe`,
    checkver: { github: homepage(input.repo) },
    autoupdate: {
      architecture: { "64bit": { url: url("$version") } },
      hash: {
        url: "$baseurl/SHA256SUMS",
        regex: "(?m)^([a-f0-9]{64})  $basename$",
      },
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** winget's package identifier: Publisher.Package from the repository's owner and name. */
export function wingetIdentifier(repo: string): string {
  const [owner, name] = repo.split("/") as [string, string];
  const id = `${owner}.${name}`;
  if (
    !/^[^.\s\\/:*?"<>|]{1,32}\.[^.\s\\/:*?"<>|]{1,32}$/.test(
      id,
    )
  ) {
    throw new Error(
      `Cannot make a winget identifier of "${repo}" (Publisher.Package, each at most 32 characters, no dots)`,
    );
  }
  return id;
}

const MANIFEST_VERSION = "1.6.0";
const yamlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

function yaml(
  kind: string,
  fields: readonly (readonly [string, string | readonly string[]])[],
): string {
  const lines = [
    `# Written by \`deno task package\`. Schema: https://aka.ms/winget-manifest.${kind}.${MANIFEST_VERSION}.schema.json`,
  ];
  for (const [key, value] of fields) {
    if (typeof value === "string") lines.push(`${key}: ${value}`);
    else lines.push(`${key}:`, ...value.map((v) => `- ${v}`));
  }
  return `${lines.join("\n")}\n`;
}

/** winget's three manifests, by file name (`<id>.yaml`, `<id>.installer.yaml`, `<id>.locale.en-US.yaml`). */
export function wingetManifests(input: ManifestInput): Map<string, string> {
  const id = wingetIdentifier(input.repo);
  const head = [
    ["PackageIdentifier", yamlString(id)],
    ["PackageVersion", yamlString(input.version)],
  ] as const;
  const asset = assetFor("windows", "x86_64").name;
  const page = homepage(input.repo);
  return new Map([
    [
      `${id}.yaml`,
      yaml("version", [
        ...head,
        ["DefaultLocale", "en-US"],
        ["ManifestType", "version"],
        ["ManifestVersion", MANIFEST_VERSION],
      ]),
    ],
    [
      `${id}.installer.yaml`,
      yaml("installer", [
        ...head,
        ["InstallerType", "portable"],
        ["Commands", [COMMAND]],
      ]) + [
        "Installers:",
        "- Architecture: x64",
        `  InstallerUrl: ${
          yamlString(downloadUrl(input.repo, input.version, asset))
        }`,
        `  InstallerSha256: ${input.sums[asset]!.toUpperCase()}`,
        "ManifestType: installer",
        `ManifestVersion: ${MANIFEST_VERSION}`,
        "",
      ].join("\n"),
    ],
    [
      `${id}.locale.en-US.yaml`,
      yaml("defaultLocale", [
        ...head,
        ["PackageLocale", "en-US"],
        ["Publisher", yamlString(input.repo.split("/")[0]!)],
        [
          "PublisherUrl",
          yamlString(`https://github.com/${input.repo.split("/")[0]}`),
        ],
        ["PackageName", COMMAND],
        ["PackageUrl", yamlString(page)],
        ["License", LICENSE_ID],
        ["LicenseUrl", yamlString(`${page}/blob/v${input.version}/LICENSE`)],
        ["ShortDescription", yamlString(SUMMARY)],
        ["Description", yamlString(DESCRIPTION)],
        ["Moniker", COMMAND],
        ["Tags", ["aws", "credentials", "login", "sso", "cli"]],
        [
          "ReleaseNotesUrl",
          yamlString(`${page}/releases/tag/v${input.version}`),
        ],
        ["ManifestType", "defaultLocale"],
        ["ManifestVersion", MANIFEST_VERSION],
      ]),
    ],
  ]);
}
