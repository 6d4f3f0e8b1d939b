"""ruamel.yaml.resolver stand-in: placeholders only (see ruamel/yaml/__init__.py)."""

from awscrt._missing import module_getattr

__getattr__ = module_getattr(__name__)
