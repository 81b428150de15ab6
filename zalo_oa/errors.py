"""Refused: the one exception for an action refused for a reason a person is shown.

`code` names the reason. The dashboard shows the label `error_<code>` of
templates/dashboard/i18n/<locale>.json (its blanks filled from `params`); the command line
shows its own line for the code, or the code. Views and commands catch Refused and nothing
wider, so any other exception stays the bug it is: a 500 and a logged traceback.
"""


class Refused(Exception):
    """An action refused for a reason a person is told; `code` names the message."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def key(self):
        """The dashboard label that says why."""
        return f"error_{self.code}"

    def __str__(self):
        details = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        return f"{self.code} ({details})" if details else self.code
