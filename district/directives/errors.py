"""The refusal every directive write raises (re-exported by operations.py), one level below
operations.py and schedule.py so that both use it without importing each other."""


class DirectiveError(ValueError):
    """A refused action, with a translated message (and the form field it concerns)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field
