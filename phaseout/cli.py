"""The `phaseout` console script: Django's management commands under one name
(`phaseout migrate`, `phaseout import FILE`, `phaseout audit verify`, ...)."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["phaseout", *(argv if argv is not None else sys.argv[1:])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
