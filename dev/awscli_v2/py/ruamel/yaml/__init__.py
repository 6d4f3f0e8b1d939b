"""A stand-in for `ruamel.yaml` (aws-signin's dev harness for the AWS CLI v2).

The AWS CLI imports ruamel.yaml at start-up for `--output yaml`, YAML input
and several customizations, and builds a `YAML()` while it lists the
`configure` subcommands; the commands aws-signin compares with never read or
write YAML. `YAML()` can be made, but reading or writing with it fails, and
every other name is a placeholder (awscrt/_missing.py) that fails when used,
so `--output yaml` fails loudly instead of printing something else.
"""

from awscrt._missing import module_getattr


class YAML:
    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)

        def unavailable(*args, **kwargs):
            raise NotImplementedError(
                f"ruamel.yaml.YAML.{name} is not available: aws-signin's dev harness "
                "runs the AWS CLI with a stand-in for ruamel.yaml"
            )

        return unavailable


__getattr__ = module_getattr(__name__)
