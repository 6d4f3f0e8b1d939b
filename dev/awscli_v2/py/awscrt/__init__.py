"""A stand-in for the `awscrt` package, for running the AWS CLI v2 from source.

Part of aws-signin's development harness (dev/awscli_v2), written for it; it
contains no awscrt code. What the commands under test need is real (EC keys
and signatures for `aws login` on the `cryptography` package, CRC checksums,
the logging switches); everything else is a placeholder that fails when used
(see _missing.py).
"""

__version__ = "0.0.0+aws-signin-stub"
