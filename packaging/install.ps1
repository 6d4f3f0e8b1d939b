# Installs aws-signin @VERSION@ (https://github.com/@REPO@) for the current user on Windows:
#
#   irm https://github.com/@REPO@/releases/download/v@VERSION@/install.ps1 | iex
#   & ([scriptblock]::Create((irm https://github.com/@REPO@/releases/latest/download/install.ps1))) -Version 1.2.3
#   & ([scriptblock]::Create((irm https://github.com/@REPO@/releases/latest/download/install.ps1))) -Uninstall
#
# Environment: AWS_SIGNIN_INSTALL_DIR (default %LOCALAPPDATA%\Programs\aws-signin),
# AWS_SIGNIN_VERSION, AWS_SIGNIN_DOWNLOAD_URL (default
# https://github.com/@REPO@/releases/download), AWS_SIGNIN_REQUIRE_ATTESTATION=1
# (runs gh attestation verify, and fails without it).
#
# It downloads one binary and SHA256SUMS, checks the binary's sha256 (baked in
# below for v@VERSION@), runs its --version, and moves it into place (renaming
# a running aws-signin.exe aside). It never asks for administrator rights and
# never touches ~\.aws. Everything is in one function called on the last line,
# so a download cut short runs nothing.
# Written by `deno task package` from packaging/install.ps1.

function Install-AwsSignin {
  param([string]$Version = $env:AWS_SIGNIN_VERSION, [switch]$Uninstall)
  $ErrorActionPreference = 'Stop'
  Set-StrictMode -Version 3
  $releaseVersion = '@VERSION@'
  $repo = '@REPO@'
  $asset = 'aws-signin-x86_64-windows.exe'
  $baked = '@SHA256:aws-signin-x86_64-windows.exe@'
  $unwritable = 'set AWS_SIGNIN_INSTALL_DIR to a folder you can write to (this script never asks for administrator rights).'
  function Say([string]$message) { [Console]::Error.WriteLine("aws-signin install: $message") }
  function Fail([string]$message) { throw "aws-signin install: $message" }

  if ($PSVersionTable.PSEdition -eq 'Core' -and -not $IsWindows) {
    Fail "this is PowerShell on Linux or macOS: install with install.sh instead: curl -fsSL https://github.com/$repo/releases/latest/download/install.sh | sh"
  }
  if (-not $Version) { $Version = $releaseVersion }
  $Version = $Version -replace '^v', ''
  if ($Version -notmatch '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$') {
    Fail "`"$Version`" is not a release version: use X.Y.Z, such as $releaseVersion."
  }

  $dir = $env:AWS_SIGNIN_INSTALL_DIR
  if (-not $dir) { $dir = Join-Path $env:LOCALAPPDATA 'Programs\aws-signin' }
  if (-not [IO.Path]::IsPathRooted($dir)) { Fail "AWS_SIGNIN_INSTALL_DIR must be an absolute path, not `"$dir`"." }
  $dir = $dir.TrimEnd('\', '/')
  $target = Join-Path $dir 'aws-signin.exe'

  if ($Uninstall) {
    Get-ChildItem -Path $dir -Filter 'aws-signin.exe.old-*' -ErrorAction SilentlyContinue | Remove-Item -Force -ErrorAction SilentlyContinue
    if (Test-Path -LiteralPath $target) {
      try { Remove-Item -LiteralPath $target -Force } catch { Fail "cannot remove $target (is aws-signin running?): $unwritable" }
      Say "removed $target. Your ~\.aws files and sessions are left as they are."
    } else {
      Say "nothing to remove: $target does not exist (set AWS_SIGNIN_INSTALL_DIR to the folder it was installed into)."
    }
    return
  }

  switch ($env:PROCESSOR_ARCHITECTURE) {
    'AMD64' { }
    'ARM64' { Say 'installing the x64 build, which Windows on Arm runs under emulation.' }
    default { Fail "there is no aws-signin for $($env:PROCESSOR_ARCHITECTURE) Windows: releases are for x64 (and Arm through emulation)." }
  }

  $root = $env:AWS_SIGNIN_DOWNLOAD_URL
  if (-not $root) { $root = "https://github.com/$repo/releases/download" }
  $root = $root.TrimEnd('/')
  $uri = $null
  if (-not [Uri]::TryCreate($root, [UriKind]::Absolute, [ref]$uri) -or $uri.UserInfo -or $root -match '[\s"''`\\@]') {
    Fail "AWS_SIGNIN_DOWNLOAD_URL `"$root`" is not a URL a download may come from."
  }
  $loopback = @('127.0.0.1', 'localhost', '[::1]') -contains $uri.Host
  if (-not ($uri.Scheme -eq 'https' -or ($uri.Scheme -eq 'http' -and $loopback))) {
    Fail "AWS_SIGNIN_DOWNLOAD_URL must be an https:// URL (plain http only to 127.0.0.1, localhost or [::1]), not `"$root`"."
  }
  $base = "$root/v$Version"

  $attest = $false
  switch ("$env:AWS_SIGNIN_REQUIRE_ATTESTATION") {
    '' { } '0' { }
    '1' { $attest = $true }
    default { Fail "AWS_SIGNIN_REQUIRE_ATTESTATION must be 1 or 0, not `"$env:AWS_SIGNIN_REQUIRE_ATTESTATION`"." }
  }
  if ($attest -and -not (Get-Command gh -ErrorAction SilentlyContinue)) {
    Fail 'AWS_SIGNIN_REQUIRE_ATTESTATION=1 needs the GitHub CLI (gh) to verify the download''s attestation: install gh (winget install GitHub.cli) and sign in with gh auth login.'
  }
  try { New-Item -ItemType Directory -Force -Path $dir | Out-Null } catch { Fail "cannot create ${dir}: $unwritable" }
  $stage = Join-Path $dir ".aws-signin.install.$PID.exe"
  try { [IO.File]::WriteAllBytes($stage, [byte[]]@()) } catch { Fail "cannot write to ${dir}: $unwritable" }

  $tmp = Join-Path ([IO.Path]::GetTempPath()) "aws-signin-install-$PID"
  New-Item -ItemType Directory -Force -Path $tmp | Out-Null
  try {
    [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
    $sums = Join-Path $tmp 'SHA256SUMS'
    try { Invoke-WebRequest -Uri "$base/SHA256SUMS" -OutFile $sums -UseBasicParsing } catch {
      Fail "could not download $base/SHA256SUMS: is v$Version a release of ${repo}? Nothing was installed."
    }
    $listed = $null
    foreach ($line in [IO.File]::ReadAllLines($sums)) {
      if ($line -cmatch '^([0-9a-f]{64}) [ *](.+)$' -and $Matches[2] -ceq $asset) {
        if ($listed -and $listed -ne $Matches[1]) { Fail "$base/SHA256SUMS lists $asset twice with different hashes; nothing was installed." }
        $listed = $Matches[1]
      }
    }
    if (-not $listed) { Fail "$base/SHA256SUMS has no line for $asset; nothing was installed." }
    if ($Version -eq $releaseVersion -and $listed -ne $baked) {
      Fail "$base/SHA256SUMS lists $listed for $asset, but this script was released with $baked; nothing was installed."
    }
    Say "downloading $base/$asset"
    $download = Join-Path $tmp $asset
    try { Invoke-WebRequest -Uri "$base/$asset" -OutFile $download -UseBasicParsing } catch {
      Fail "could not download $base/${asset}; nothing was installed."
    }
    $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $download).Hash.ToLowerInvariant()
    if ($actual -ne $listed) { Fail "the sha256 of $asset is $actual, not $listed as SHA256SUMS says; nothing was installed." }
    if ($attest) {
      & gh attestation verify $download --repo $repo
      if ($LASTEXITCODE -ne 0) { Fail "gh attestation verify found no valid attestation from $repo for $asset (is gh signed in? gh auth login); nothing was installed." }
    }

    Copy-Item -LiteralPath $download -Destination $stage -Force
    try { $ran = (& $stage --version 2>&1 | Out-String).Trim() } catch { $ran = "$_" }
    if ($LASTEXITCODE -ne 0) { Fail "the downloaded aws-signin does not run on this system: $ran. Nothing was installed." }
    if ($ran -notmatch "^aws-signin $([regex]::Escape($Version))(\s|$)") {
      Fail "the downloaded binary printed `"$ran`" for --version, not aws-signin $Version; nothing was installed."
    }
    # Windows will not overwrite a running .exe, but renames it: the old one is set aside and removed when it can be.
    Get-ChildItem -Path $dir -Filter 'aws-signin.exe.old-*' | Remove-Item -Force -ErrorAction SilentlyContinue
    if (Test-Path -LiteralPath $target) { Move-Item -LiteralPath $target -Destination "$target.old-$PID" -Force }
    Move-Item -LiteralPath $stage -Destination $target -Force
    Remove-Item -LiteralPath "$target.old-$PID" -Force -ErrorAction SilentlyContinue
    Say "installed aws-signin $Version as $target"
  } finally {
    Remove-Item -LiteralPath $tmp -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $stage -Force -ErrorAction SilentlyContinue
  }

  $onPath = ($env:Path -split ';' | ForEach-Object { $_.TrimEnd('\') }) -contains $dir
  if ($onPath) {
    $first = Get-Command aws-signin -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($first -and $first.Source -ne $target) {
      Say "warning: $($first.Source) comes first on your PATH, so `"aws-signin`" runs that one, not ${target}: remove it, or put $dir earlier on PATH."
    }
  } else {
    Say "$dir is not on your PATH; add it for your user with:"
    [Console]::Error.WriteLine("  [Environment]::SetEnvironmentVariable('Path', `"$dir;`" + [Environment]::GetEnvironmentVariable('Path', 'User'), 'User')")
  }
}

Install-AwsSignin @args
