"""Placeholders for the parts of awscrt this stand-in does not implement.

Part of aws-signin's development harness (dev/awscli_v2), not of awscrt. The
AWS CLI v2 imports many names from awscrt at start-up (S3 transfers, SigV4a,
websockets) that `sso`, `login`, `configure` and `sts` never use. Each such
name is a class whose attributes are more placeholders; calling one raises
NotImplementedError, so a command that needs the real awscrt fails loudly.
"""


class _Missing(type):
    def __getattr__(cls, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return missing(f"{cls.__qualname__}.{attr}", cls.__module__)

    def __call__(cls, *args, **kwargs):
        raise NotImplementedError(
            f"{cls.__module__}.{cls.__qualname__} is not available: "
            "aws-signin's dev harness runs the AWS CLI with stand-ins for awscrt, distro and ruamel.yaml"
        )


def missing(name, module):
    """A placeholder class named `name` (usable as a base class and in `except`)."""
    return _Missing(name, (Exception,), {"__module__": module, "__qualname__": name})


def module_getattr(module):
    """A module-level __getattr__ that answers every unknown name with a placeholder."""

    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        return missing(name, module)

    return __getattr__
