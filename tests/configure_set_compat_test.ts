/**
 * `configure set` against the AWS CLI v2 (`/usr/bin/aws`, Debian's awscli
 * 2.9.19): each case runs both on copies of the same files and compares the
 * resulting bytes. Skipped when `/usr/bin/aws` is missing (CI installs it).
 */

import assert from "node:assert/strict";
import {
  hasAwsCli,
  mapLimit,
  readOrNull,
  runAwsCli,
  runInProcess,
  tempHome,
} from "./helpers.ts";

interface Case {
  readonly name: string;
  readonly config?: string;
  readonly credentials?: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Both tools must refuse and leave the files untouched. */
  readonly refused?: boolean;
}

const CASES: readonly Case[] = [
  { name: "new file, default region", args: ["region", "us-east-1"] },
  {
    name: "new file, nested default.s3",
    args: ["default.s3.max_queue_size", "20"],
  },
  {
    name: "new file in a new folder, named profile",
    args: ["region", "eu-west-1", "--profile", "dev"],
  },
  { name: "empty file", config: "", args: ["region", "us-east-1"] },
  {
    name: "file with only comments",
    config: "# my settings\n; more\n",
    args: ["region", "us-east-1"],
  },
  {
    name: "update in place",
    config: "[default]\nregion = us-west-2\noutput = json\n",
    args: ["region", "eu-central-1"],
  },
  {
    name: "add key to the last section, trailing comments",
    config: "[default]\nregion = us-west-2\n# trailing\n# comments\n",
    args: ["output", "text"],
  },
  {
    name: "add key to a section followed by another",
    config:
      "[default]\nregion = us-west-2\n\n[profile dev]\nregion = eu-west-1\n",
    args: ["output", "json"],
  },
  {
    name: "comments everywhere",
    config:
      "# header comment\n[default]\n# about region\nregion = us-west-2 # not a comment to AWS\n" +
      "; semicolon comment\noutput = json\n\n# between\n[profile dev]\n  # indented comment\nregion = eu-west-1\n",
    args: ["region", "ap-south-1", "--profile", "dev"],
  },
  {
    name: "blank lines between sections",
    config:
      "[default]\nregion = us-west-2\n\n\n\n[profile dev]\noutput = json\n\n\n",
    args: ["cli_pager", "", "--profile", "dev"],
  },
  {
    name: "no trailing newline, update the last line",
    config: "[default]\nregion = us-west-2",
    args: ["region", "us-east-2"],
  },
  {
    name: "no trailing newline, add to the last section",
    config: "[default]\nregion = us-west-2",
    args: ["output", "yaml"],
  },
  {
    name: "no trailing newline, new section",
    config: "[default]\nregion = us-west-2",
    args: ["region", "eu-west-3", "--profile", "ops"],
  },
  {
    name: "CRLF, update existing section",
    config:
      "[default]\r\nregion = us-west-2\r\n\r\n[profile dev]\r\nregion = eu-west-1\r\n",
    args: ["output", "json"],
  },
  {
    name: "CRLF, new section keeps the old bytes",
    config: "[default]\r\nregion = us-west-2\r\n",
    args: ["region", "eu-north-1", "--profile", "new"],
  },
  {
    name: "tabs and indentation",
    config:
      "[default]\n\tregion = us-west-2\n[profile dev]\n    output = json\n",
    args: ["region", "sa-east-1", "--profile", "dev"],
  },
  {
    name: "key=value without spaces",
    config: "[default]\nregion=us-west-2\noutput=json\n",
    args: ["output", "table"],
  },
  {
    name: "key: value with a colon",
    config: "[default]\nregion: us-west-2\n",
    args: ["region", "us-east-1"],
  },
  {
    name: "nested s3, add a key to an existing block",
    config:
      "[default]\ns3 =\n    max_concurrent_requests = 20\nregion = us-west-2\n",
    args: ["default.s3.max_queue_size", "10000"],
  },
  {
    name: "nested s3, update an existing key",
    config:
      "[default]\ns3 =\n    max_concurrent_requests = 20\n    max_queue_size = 100\nregion = us-west-2\n",
    args: ["default.s3.max_queue_size", "5"],
  },
  {
    name: "nested s3, new block",
    config: "[default]\nregion = us-west-2\n",
    args: ["s3.addressing_style", "path"],
  },
  {
    name: "nested s3 block at the end of the file",
    config:
      "[profile dev]\nregion = us-west-2\ns3 =\n  signature_version = s3v4\n",
    args: ["profile.dev.s3.addressing_style", "virtual"],
  },
  {
    name: "nested block followed by a blank line and a section",
    config:
      "[default]\ns3 =\n    max_concurrent_requests = 20\n\n[profile dev]\nregion = eu-west-1\n",
    args: ["default.s3.max_queue_size", "10"],
  },
  {
    name: "credential key, new credentials file",
    args: ["aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"],
  },
  {
    name: "credential key, update with comments",
    credentials:
      "# keys\n[default]\naws_access_key_id = AKIAOLD\n; secret below\naws_secret_access_key = old\n",
    args: ["aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
  },
  {
    name: "session token for a named profile",
    credentials: "[default]\naws_access_key_id = AKIA1\n",
    args: ["aws_session_token", "FwoGZXIvYXdzEXAMPLE==", "--profile", "prod"],
  },
  {
    name: "new profile appended",
    config: "[default]\nregion = us-west-2\n",
    args: ["region", "ca-central-1", "--profile", "new"],
  },
  {
    name: "profile from AWS_PROFILE",
    config: "[profile dev]\nregion = us-west-2\n",
    args: ["output", "json"],
    env: { AWS_PROFILE: "dev" },
  },
  {
    name: "dotted default.region",
    config: "[default]\noutput = json\n",
    args: ["default.region", "us-east-1"],
  },
  {
    name: "dotted profile.dev.region",
    config:
      "[default]\nregion = a\n\n[profile dev]\noutput = json\n\n[profile prod]\nregion = b\n",
    args: ["profile.dev.region", "us-east-1"],
  },
  {
    name: "sso-session and services sections",
    config:
      "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n" +
      "[services local]\ndynamodb =\n  endpoint_url = http://localhost:8000\n\n[profile dev]\nservices = local\n",
    args: ["region", "us-east-1", "--profile", "dev"],
  },
  {
    name: "profile name with spaces, new",
    config: "[default]\n",
    args: ["region", "x", "--profile", "my name"],
  },
  {
    name: "profile name with spaces, existing",
    config: "[profile 'my name']\nregion = x\n",
    args: ["region", "y", "--profile", "my name"],
  },
  {
    name: "quoted profile header",
    config: '[profile "dev"]\nregion = us-west-2\n',
    args: ["output", "json", "--profile", "dev"],
  },
  {
    name: "unicode values",
    config: "[default]\n# Ünïcödé comment ✓\nregion = us-west-2\n",
    args: ["description", "日本語 café ✓"],
  },
  {
    name: "value containing =",
    config: "[default]\nregion = us-west-2\n",
    args: ["endpoint_url", "https://example.com/?a=b&c=d"],
  },
  {
    name: "commented-out key of the same name",
    config: "[default]\n# region = us-west-1\noutput = json\n",
    args: ["region", "eu-west-2"],
  },
  {
    name: "commented-out key last in the section",
    config:
      "[default]\noutput = json\n# region = us-west-1\n[profile x]\nregion = a\n",
    args: ["region", "eu-west-2"],
  },
  {
    name: "section without settings followed by another",
    config: "[default]\n[profile dev]\nregion = a\n",
    args: ["region", "us-east-1"],
  },
  {
    name: "plugins section",
    config: "[default]\nregion = a\n",
    args: ["plugins.cli_legacy_plugin_path", "/opt/plugins"],
  },
  {
    name: "duplicate sections are refused",
    config: "[default]\nregion = a\n[default]\noutput = json\n",
    args: ["region", "b"],
    refused: true,
  },
  {
    name: "a line that is not a setting is refused",
    config: "[default]\nregion = a\nthis is not valid\n",
    args: ["region", "b"],
    refused: true,
  },
  {
    name: "a setting before any section is refused",
    config: "region = a\n[default]\n",
    args: ["output", "json"],
    refused: true,
  },
];

async function writeIfGiven(
  path: string,
  text: string | undefined,
): Promise<void> {
  if (text === undefined) return;
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

Deno.test({
  name:
    `configure set writes the same bytes as the AWS CLI (${CASES.length} cases)`,
  ignore: !hasAwsCli,
  async fn() {
    const failures: string[] = [];
    await mapLimit(CASES, 4, async (c) => {
      await using ours = await tempHome();
      await using theirs = await tempHome();
      for (const home of [ours, theirs]) {
        await writeIfGiven(home.config, c.config);
        await writeIfGiven(home.credentials, c.credentials);
      }
      const aws = await runAwsCli(["configure", "set", ...c.args], {
        ...theirs.env,
        ...c.env,
      });
      const mine = await runInProcess(["configure", "set", ...c.args], {
        env: { ...ours.env, ...c.env },
      });
      const files = {
        ours: [
          await readOrNull(ours.config),
          await readOrNull(ours.credentials),
        ],
        theirs: [
          await readOrNull(theirs.config),
          await readOrNull(theirs.credentials),
        ],
      };
      if (c.refused) {
        if (aws.code === 0) failures.push(`${c.name}: the AWS CLI accepted it`);
        if (mine.code !== 253) {
          failures.push(
            `${c.name}: exit ${mine.code}, expected 253 (${mine.stderr})`,
          );
        }
        if (files.ours[0] !== (c.config ?? null)) {
          failures.push(`${c.name}: our config changed`);
        }
        return;
      }
      if (aws.code !== 0) {
        failures.push(`${c.name}: the AWS CLI failed: ${aws.stderr}`);
      }
      if (mine.code !== 0) {
        failures.push(`${c.name}: exit ${mine.code}: ${mine.stderr}`);
      }
      try {
        assert.deepEqual(files.ours, files.theirs);
      } catch (error) {
        failures.push(`${c.name}:\n${(error as Error).message}`);
      }
    });
    assert.deepEqual(failures, []);
  },
});
