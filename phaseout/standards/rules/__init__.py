"""Rule modules, one per domain. Importing this package registers every rule."""

from phaseout.standards.rules import (
    eliminated,  # noqa: F401
    energy,  # noqa: F401
    environment,  # noqa: F401
    quality,  # noqa: F401
    safety,  # noqa: F401
)
