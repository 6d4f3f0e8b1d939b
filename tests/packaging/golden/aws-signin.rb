# Written by `deno task package` for aws-signin 1.2.3: the release's binaries, with the hashes of its SHA256SUMS.
class AwsSignin < Formula
  desc "AWS console-credential sign-in without the AWS CLI"
  homepage "https://github.com/example-org/aws-signin"
  version "1.2.3"
  license "Apache-2.0"

  livecheck do
    url :stable
    strategy :github_latest
  end

  on_macos do
    on_arm do
      url "https://github.com/example-org/aws-signin/releases/download/v1.2.3/aws-signin-aarch64-macos"
      sha256 "e57a46979f532e7ff3b168044a23b794692c441a597efb3dda181a1f95f20ec7"
    end
    on_intel do
      url "https://github.com/example-org/aws-signin/releases/download/v1.2.3/aws-signin-x86_64-macos"
      sha256 "749a65a68ff23fc31f9d0c11104ba8dd3a4fbf5d2d2679f5f109aa19925dbcef"
    end
  end

  on_linux do
    on_arm do
      url "https://github.com/example-org/aws-signin/releases/download/v1.2.3/aws-signin-aarch64-linux"
      sha256 "d35bf7d0b71a5033d5238a8879b89465f80deb24c6ed556a48fa4e5de9854781"
    end
    on_intel do
      url "https://github.com/example-org/aws-signin/releases/download/v1.2.3/aws-signin-x86_64-linux"
      sha256 "081ceebc61ed4dd720bc4d1bb46023c436a4c9ac70e032a0caccd7c109fa7fe5"
    end
  end

  def install
    # The binary exactly as released: a deno compile binary carries its program
    # after the ELF/Mach-O image, and stripping or patching it breaks it.
    bin.install Dir["aws-signin-*"].first => "aws-signin"
    generate_completions_from_executable(bin/"aws-signin", "completion", shells: [:bash, :zsh, :fish])
  end

  test do
    assert_equal "aws-signin #{version}\n", shell_output("#{bin}/aws-signin --version")
  end
end
