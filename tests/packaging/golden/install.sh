#!/bin/sh
# Installs aws-signin 1.2.3 (https://github.com/example-org/aws-signin) for the current user:
#
#   curl -fsSL https://github.com/example-org/aws-signin/releases/download/v1.2.3/install.sh | sh
#   sh install.sh --version 1.2.3     # another release, checked against its SHA256SUMS
#   sh install.sh --uninstall
#
# Environment: AWS_SIGNIN_INSTALL_DIR (default $XDG_BIN_HOME, else ~/.local/bin),
# AWS_SIGNIN_VERSION, AWS_SIGNIN_DOWNLOAD_URL (default
# https://github.com/example-org/aws-signin/releases/download), AWS_SIGNIN_REQUIRE_ATTESTATION=1
# (runs gh attestation verify, and fails without it).
#
# It downloads one binary and SHA256SUMS, checks the binary's sha256 (baked in
# below for v1.2.3), runs its --version, and moves it into place. It never
# uses sudo and never touches ~/.aws. Everything is in one function, called on
# the last line, so a download cut short runs nothing.
# Written by `deno task package` from packaging/install.sh.

aws_signin_install() {
  release_version='1.2.3'
  repo='example-org/aws-signin'
  sum_x86_64_linux='081ceebc61ed4dd720bc4d1bb46023c436a4c9ac70e032a0caccd7c109fa7fe5'
  sum_aarch64_linux='d35bf7d0b71a5033d5238a8879b89465f80deb24c6ed556a48fa4e5de9854781'
  sum_x86_64_macos='749a65a68ff23fc31f9d0c11104ba8dd3a4fbf5d2d2679f5f109aa19925dbcef'
  sum_aarch64_macos='e57a46979f532e7ff3b168044a23b794692c441a597efb3dda181a1f95f20ec7'
  sum_x86_64_windows='85beb15c8461e1b3612e3e44909913a03ded7ede9b6090e39026423d4461927c'
  min_glibc='2.27'
  ps1_url="https://github.com/$repo/releases/latest/download/install.ps1"

  say() { printf 'aws-signin install: %s\n' "$*" >&2; }
  fail() {
    say "$*"
    exit 1
  }

  version=${AWS_SIGNIN_VERSION:-}
  uninstall=0
  while [ $# -gt 0 ]; do
    case $1 in
      --version)
        [ $# -ge 2 ] || fail "--version needs a release, such as --version $release_version."
        version=$2
        shift 2
        ;;
      --version=*)
        version=${1#--version=}
        shift
        ;;
      --uninstall)
        uninstall=1
        shift
        ;;
      -h | --help)
        printf '%s\n' "usage: sh install.sh [--version X.Y.Z] [--uninstall]" \
          "Installs aws-signin into \$AWS_SIGNIN_INSTALL_DIR (default \$XDG_BIN_HOME, else ~/.local/bin)."
        return 0
        ;;
      *) fail "unknown option \"$1\": use --version X.Y.Z, --uninstall or --help." ;;
    esac
  done
  version=${version#v}
  [ -n "$version" ] || version=$release_version
  case $version in
    *[!0-9A-Za-z.-]* | [!0-9]* | *[!0-9A-Za-z]) fail "\"$version\" is not a release version: use X.Y.Z, such as $release_version." ;;
  esac

  if [ -n "${AWS_SIGNIN_INSTALL_DIR:-}" ]; then
    dir=$AWS_SIGNIN_INSTALL_DIR
  elif [ -n "${XDG_BIN_HOME:-}" ]; then
    dir=$XDG_BIN_HOME
  elif [ -n "${HOME:-}" ]; then
    dir=$HOME/.local/bin
  else
    fail "HOME is not set: set AWS_SIGNIN_INSTALL_DIR to the folder to install into."
  fi
  case $dir in
    /*) dir=${dir%/} ;;
    *) fail "AWS_SIGNIN_INSTALL_DIR must be an absolute path, not \"$dir\"." ;;
  esac
  [ -n "$dir" ] || dir=/
  target=$dir/aws-signin
  unwritable="set AWS_SIGNIN_INSTALL_DIR to a folder you can write to (this script never uses sudo)."

  if [ "$uninstall" = 1 ]; then
    if [ -e "$target" ] || [ -L "$target" ]; then
      rm -f "$target" || fail "cannot remove $target: $unwritable"
      say "removed $target. Your ~/.aws files and sessions are left as they are."
    else
      say "nothing to remove: $target does not exist (set AWS_SIGNIN_INSTALL_DIR to the folder it was installed into)."
    fi
    return 0
  fi

  # Which binary: the OS and CPU, an x86_64 shell under Rosetta on Apple silicon, and the C library.
  os=$(uname -s 2>/dev/null) || os=unknown
  cpu=$(uname -m 2>/dev/null) || cpu=unknown
  case $os in
    Linux) os=linux ;;
    Darwin) os=macos ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      fail "this is a Windows shell ($os): install from PowerShell instead with: irm $ps1_url | iex (or winget, or scoop; see https://github.com/$repo#install)."
      ;;
    *) fail "there is no aws-signin for $os: releases have Linux (glibc), macOS and Windows binaries (https://github.com/$repo/releases)." ;;
  esac
  case $cpu in
    x86_64 | amd64) cpu=x86_64 ;;
    aarch64 | arm64 | armv8*) cpu=aarch64 ;;
    *) fail "there is no aws-signin for the $cpu CPU: releases are for x86_64 and arm64." ;;
  esac
  if [ "$os" = macos ] && [ "$cpu" = x86_64 ] &&
    [ "$(sysctl -n sysctl.proc_translated 2>/dev/null)" = 1 ]; then
    cpu=aarch64
  fi
  if [ "$os" = linux ]; then
    other="use a glibc-based system or image (Debian, Ubuntu, Fedora, Amazon Linux 2023), or the container image (https://github.com/$repo#install)."
    ldd_out=$(ldd --version 2>&1) || :
    case $ldd_out in
      *musl*) fail "aws-signin needs glibc $min_glibc or newer, and this system uses musl libc (Alpine?): $other" ;;
    esac
    glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null) || glibc=
    glibc=${glibc#glibc }
    if [ -z "$glibc" ]; then
      case $ldd_out in
        *GLIBC* | *"GNU libc"* | *"GNU C Library"*)
          nl=$(printf '\n_')
          glibc=${ldd_out%%"${nl%_}"*}
          glibc=${glibc##* }
          ;;
      esac
    fi
    case $glibc in
      [0-9]*.[0-9]*)
        major=${glibc%%.*}
        minor=${glibc#*.}
        minor=${minor%%[!0-9]*}
        if [ "$major" -lt "${min_glibc%.*}" ] || { [ "$major" -eq "${min_glibc%.*}" ] && [ "$minor" -lt "${min_glibc#*.}" ]; }; then
          fail "aws-signin needs glibc $min_glibc or newer, and this system has glibc $glibc (Amazon Linux 2 has 2.26): $other"
        fi
        ;;
      *) say "could not tell this system's glibc version; the binary's --version run below will show whether it works." ;;
    esac
  fi
  asset=aws-signin-$cpu-$os
  case $asset in
    aws-signin-x86_64-linux) baked=$sum_x86_64_linux ;;
    aws-signin-aarch64-linux) baked=$sum_aarch64_linux ;;
    aws-signin-x86_64-macos) baked=$sum_x86_64_macos ;;
    aws-signin-aarch64-macos) baked=$sum_aarch64_macos ;;
    *) baked=$sum_x86_64_windows ;;
  esac

  # Where from: https only; plain http only to this machine (tests, mirrors on localhost).
  root=${AWS_SIGNIN_DOWNLOAD_URL:-https://github.com/$repo/releases/download}
  root=${root%/}
  case $root in
    *@* | *\\* | *[[:space:]]* | *\"* | *\'* | *\`*) fail "AWS_SIGNIN_DOWNLOAD_URL \"$root\" has a character a download URL may not have (@, \\, quotes, spaces)." ;;
    https://?*) proto='=https' ;;
    http://127.0.0.1 | http://127.0.0.1[:/]* | http://localhost | http://localhost[:/]* | http://\[::1\] | http://\[::1\][:/]*) proto='=http' ;;
    *) fail "AWS_SIGNIN_DOWNLOAD_URL must be an https:// URL (plain http only to 127.0.0.1, localhost or [::1]), not \"$root\"." ;;
  esac
  base=$root/v$version

  # The tools, before anything is downloaded.
  if command -v sha256sum >/dev/null 2>&1; then
    hasher='sha256sum'
  elif command -v shasum >/dev/null 2>&1; then
    hasher='shasum -a 256'
  elif command -v openssl >/dev/null 2>&1; then
    hasher='openssl dgst -sha256 -r'
  else
    fail "cannot check the download: none of sha256sum, shasum or openssl is installed; install one (coreutils, perl or openssl) and run this again."
  fi
  if command -v curl >/dev/null 2>&1; then
    fetcher=curl
  elif command -v wget >/dev/null 2>&1; then
    fetcher=wget
  else
    fail "cannot download: install curl or wget and run this again."
  fi
  attest=0
  case ${AWS_SIGNIN_REQUIRE_ATTESTATION:-0} in
    0 | '') ;;
    1) attest=1 ;;
    *) fail "AWS_SIGNIN_REQUIRE_ATTESTATION must be 1 or 0, not \"$AWS_SIGNIN_REQUIRE_ATTESTATION\"." ;;
  esac
  if [ "$attest" = 1 ] && ! command -v gh >/dev/null 2>&1; then
    fail "AWS_SIGNIN_REQUIRE_ATTESTATION=1 needs the GitHub CLI (gh) to verify the download's attestation: install gh (https://cli.github.com) and sign in with gh auth login."
  fi
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir" 2>/dev/null || fail "cannot create $dir: $unwritable"
  fi
  [ -w "$dir" ] || fail "cannot write to $dir: $unwritable"

  tmp=$(mktemp -d 2>/dev/null) || tmp=$(mktemp -d -t aws-signin) || fail "cannot make a temporary folder (is TMPDIR writable?)."
  stage=$dir/.aws-signin.install.$$
  trap 'rm -rf "$tmp" "$stage"' EXIT
  trap 'exit 130' INT TERM HUP
  fetch() {
    if [ "$fetcher" = curl ]; then
      curl --fail --silent --show-error --location --proto "$proto" --proto-redir '=https' --retry 2 --output "$2" "$1"
    else
      wget -q -O "$2" "$1"
    fi
  }
  hash_of() {
    case $hasher in
      sha256sum) sum=$(sha256sum "$1") ;;
      shasum*) sum=$(shasum -a 256 "$1") ;;
      *) sum=$(openssl dgst -sha256 -r "$1") ;;
    esac || return 1
    printf '%s\n' "${sum%% *}"
  }

  fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" ||
    fail "could not download $base/SHA256SUMS: is v$version a release of $repo? Nothing was installed."
  listed=
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%"$(printf '\r')"}
    h=${line%% *}
    name=${line#* }
    name=${name#[ *]}
    if [ "$name" != "$asset" ] || [ ${#h} -ne 64 ]; then continue; fi
    case $h in *[!0-9a-f]*) continue ;; esac
    [ -z "$listed" ] || [ "$listed" = "$h" ] || fail "$base/SHA256SUMS lists $asset twice with different hashes; nothing was installed."
    listed=$h
  done <"$tmp/SHA256SUMS"
  [ -n "$listed" ] || fail "$base/SHA256SUMS has no line for $asset; nothing was installed."
  if [ "$version" = "$release_version" ] && [ "$listed" != "$baked" ]; then
    fail "$base/SHA256SUMS lists $listed for $asset, but this script was released with $baked; nothing was installed."
  fi

  say "downloading $base/$asset"
  fetch "$base/$asset" "$tmp/$asset" || fail "could not download $base/$asset; nothing was installed."
  actual=$(hash_of "$tmp/$asset") || fail "could not compute the sha256 of the download with $hasher."
  [ "$actual" = "$listed" ] ||
    fail "the sha256 of $asset is $actual, not $listed as SHA256SUMS says; nothing was installed."
  if [ "$attest" = 1 ]; then
    gh attestation verify "$tmp/$asset" --repo "$repo" >&2 ||
      fail "gh attestation verify found no valid attestation from $repo for $asset (is gh signed in? gh auth login); nothing was installed."
  fi

  # Stage beside the target (same file system; a temp folder may be noexec), run it, then rename over the old one.
  cp "$tmp/$asset" "$stage" 2>/dev/null || fail "cannot write to $dir: $unwritable"
  chmod 755 "$stage" || fail "cannot make $stage executable."
  ran=$("$stage" --version 2>&1) || fail "the downloaded aws-signin does not run on this system: ${ran:-no output}. Nothing was installed."
  case $ran in
    "aws-signin $version" | "aws-signin $version"[!0-9A-Za-z.-]*) ;;
    *) fail "the downloaded binary printed \"$ran\" for --version, not aws-signin $version; nothing was installed." ;;
  esac
  mv -f "$stage" "$target" || fail "cannot replace $target: $unwritable"
  say "installed aws-signin $version as $target"

  case ":${PATH:-}:" in
    *":$dir:"*)
      first=$(command -v aws-signin 2>/dev/null) || first=
      if [ -n "$first" ] && [ "$first" != "$target" ]; then
        say "warning: $first comes first on your PATH, so \"aws-signin\" runs that one, not $target: remove it, or put $dir earlier on PATH."
      fi
      ;;
    *)
      say "$dir is not on your PATH; add this line to your shell's startup file (~/.profile, ~/.bashrc or ~/.zshrc):"
      # shellcheck disable=SC2016 # the line to paste keeps $PATH for the user's shell to expand
      printf '  export PATH="%s:$PATH"\n' "$dir" >&2
      ;;
  esac
}

# In braces: a download cut anywhere before the closing brace is a syntax error, so nothing runs.
{ aws_signin_install "$@"; }
