"""A stand-in for the `distro` package (aws-signin's dev harness for the AWS CLI v2).

The AWS CLI puts the Linux distribution into its user agent and
`--version` line; this reads the same facts from /etc/os-release.
"""


def _os_release():
    facts = {}
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            for line in f:
                key, sep, value = line.strip().partition("=")
                if sep:
                    facts[key] = value.strip().strip('"')
    except OSError:
        pass
    return facts


def id():
    return _os_release().get("ID", "")


def version(pretty=False, best=False):
    return _os_release().get("VERSION_ID", "")


def major_version(best=False):
    return version().split(".")[0]


def name(pretty=False):
    facts = _os_release()
    return facts.get("PRETTY_NAME" if pretty else "NAME", "")


def codename():
    return _os_release().get("VERSION_CODENAME", "")


def like():
    return _os_release().get("ID_LIKE", "")


def info(pretty=False, best=False):
    return {
        "id": id(),
        "version": version(),
        "version_parts": {"major": major_version(), "minor": "", "build_number": ""},
        "like": like(),
        "codename": codename(),
    }
