"""Hooks of the contract run: the run acts through one API token, and must not end its own
access half way (revoking that token, or removing its owner from the organisation), which
would turn every later case into a 401 and hide what it was testing."""

import os
import pathlib
import tomllib
import uuid

import schemathesis


def _check_entries():
    """Schemathesis joins an entry's `include-*` filters with OR, so an entry naming a path
    and a method applies to every operation with that method: each entry must say which
    operations it covers with one filter (`include-name` or `include-name-regex`)."""
    config = pathlib.Path(__file__).with_name("schemathesis.toml")
    entries = tomllib.loads(config.read_text()).get("operations", [])
    for number, entry in enumerate(entries, start=1):
        filters = [key for key in entry if key.startswith("include-")]
        if len(filters) != 1:
            raise SystemExit(
                f"{config}: operations entry {number} has the filters {filters}; give exactly "
                "one, `include-name` (\"METHOD path\") or `include-name-regex`"
            )


_check_entries()

OWN = {
    value
    for value in (os.environ.get("AIMS_ST_TOKEN_ID"), os.environ.get("AIMS_ST_USER_ID"))
    if value
}


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.method.upper() != "DELETE" or not case.path_parameters:
        return
    for name, value in list(case.path_parameters.items()):
        if str(value) in OWN:
            # Some other id: the service answers 404 for it, as for any unknown one.
            case.path_parameters[name] = str(uuid.uuid4())
