"""Notes on a forecast: typed values that a front end shows beside the numbers.

A :class:`Note` is text with a severity and a stable code. The severity says
whether it is information (how a file was read, what ``auto`` chose) or a
warning (something that may make the forecast wrong); the code says which
kind of note it is, whatever its wording. Front ends (the CLI, the report,
JSON, ``check --strict``) read the severity and the code, never the text, so
rewording a message cannot change behaviour.

A note is a :class:`str` too, so that everything that shows text shows it
unchanged, and results keep their lists of strings (``warnings``, ``notes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

__all__ = ["Note", "INFO", "WARNING", "info", "warning", "as_note", "severity_of", "note_label",
           "informational", "messages"]

Severity = Literal["info", "warning"]

INFO: Severity = "info"
WARNING: Severity = "warning"


class Note(str):
    """A message on a forecast: its text (the string itself), a severity and a code.

    Attributes
    ----------
    severity : {"info", "warning"}
        Information, or something that may make the forecast wrong.
    code : str
        A stable name of the kind of note (``"read-as"``, ``"thin-window"``...),
        the same whatever the wording.

    Examples
    --------
    >>> n = Note("only 3 working days with completions", WARNING, "thin-window")
    >>> n.severity, n.code, n == "only 3 working days with completions"
    ('warning', 'thin-window', True)
    >>> n.prefixed("team 'web': ").code
    'thin-window'
    """

    __slots__ = ("severity", "code")
    severity: Severity
    code: str

    def __new__(cls, text: str, severity: Severity = WARNING, code: str = "warning") -> Note:
        """Make a note of ``text`` with its severity and code."""
        if severity not in (INFO, WARNING):
            raise ValueError(f"severity = {severity!r} must be 'info' or 'warning'")
        note = super().__new__(cls, text)
        note.severity = severity
        note.code = code
        return note

    @property
    def text(self) -> str:
        """The message as a plain string."""
        return str.__str__(self)

    def prefixed(self, prefix: str) -> Note:
        """Return the same note with ``prefix`` before its text (a plan names the team)."""
        return Note(prefix + self.text, self.severity, self.code)

    def __reduce__(self) -> tuple[type[Note], tuple[str, Severity, str]]:
        return (Note, (self.text, self.severity, self.code))


def info(text: str, code: str) -> Note:
    """Return an informational note.

    Examples
    --------
    >>> info("read as a Jira export", "read-as").severity
    'info'
    """
    return Note(text, INFO, code)


def warning(text: str, code: str) -> Note:
    """Return a warning.

    Examples
    --------
    >>> warning("the window was cut short", "window-cut-short").severity
    'warning'
    """
    return Note(text, WARNING, code)


def as_note(message: str) -> Note:
    """Return ``message`` as a :class:`Note`: itself if it is one, else a warning.

    Examples
    --------
    >>> as_note("plain text").code
    'warning'
    """
    return message if isinstance(message, Note) else Note(message)


def severity_of(message: str) -> Severity:
    """Return the severity of a message: a :class:`Note`'s own, else a warning.

    Text that is not a Note has no severity of its own and is shown as a
    warning: nothing is ever inferred from the wording.

    Examples
    --------
    >>> severity_of(info("read as a Jira export", "read-as")), severity_of("plain text")
    ('info', 'warning')
    """
    return message.severity if isinstance(message, Note) else WARNING


def informational(message: str) -> bool:
    """Return whether a message is information rather than a warning.

    Examples
    --------
    >>> informational(info("used 5 of 11 rows", "rows-used"))
    True
    >>> informational(warning("exactly 30 items: the history may be cut short", "cut-short"))
    False
    """
    return severity_of(message) == INFO


def note_label(message: str) -> str:
    """``note`` for information, ``warning`` for a warning: how the CLI and JSON label it.

    Examples
    --------
    >>> note_label(info("method auto chose bayes", "auto-chose")), note_label("only 3 days")
    ('note', 'warning')
    """
    return "note" if informational(message) else "warning"


def messages(notes: Iterable[str]) -> list[dict[str, str]]:
    """Return each note as ``{"text", "severity", "code"}``: the JSON ``messages`` field.

    Examples
    --------
    >>> messages([info("read as a Jira export", "read-as")])
    [{'text': 'read as a Jira export', 'severity': 'info', 'code': 'read-as'}]
    """
    out = []
    for n in notes:
        code = n.code if isinstance(n, Note) else "warning"
        out.append({"text": str.__str__(n), "severity": severity_of(n), "code": code})
    return out
