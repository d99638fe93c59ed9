"""The refusals of the cases app: a step that cannot be taken says why and what is allowed."""


class CaseError(Exception):
    """A step that cannot be taken; the message says why and what is allowed."""


class CaseConflict(CaseError):
    """Someone else changed the case after it was read; nothing was overwritten."""


class ExitError(CaseError):
    """A step of the exit that cannot be taken; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field
