"""What support needs to trace a failed request, carried by every error (``errors.KomboError``).

It has a module of its own, apart from the errors, so that it loads with the first error made,
not before the window's first frame: the window names the errors as it is built, but makes none
before it shows, and Python 3.11 compiles a dataclass's generated methods from source as its
module loads, about 1 ms a class here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ErrorDetail:
    """What support needs to trace a failed request. Every field may be unknown."""

    operation: str | None = None  # e.g. "POST /connect/create-link"
    # Where it was sent, e.g. "https://api.kombo.dev/v1": normalised, so it holds no login,
    # query or fragment (a mistyped custom address is otherwise found nowhere).
    api_address: str | None = None
    http_status: int | None = None
    code: str | None = None  # Kombo's error.code, e.g. "PLATFORM.INPUT_INVALID"
    title: str | None = None
    message: str | None = None  # Kombo's error.message, or a technical description
    # Whether ``message`` is the answer's own words (Kombo's error.message, or the body of an
    # error answer) rather than this program's description: kept out of the log file.
    message_from_server: bool = False
    log_url: str | None = None  # link to the request in Kombo's dashboard
    attempts: int | None = None

    def as_support_text(self) -> str:
        """Lines of ``name: value`` for the "Copy details" button; unknown fields are left out."""
        labels = (
            ("Request", self.operation),
            ("API address", self.api_address),
            ("HTTP status", self.http_status),
            ("Kombo error code", self.code),
            ("Kombo error title", self.title),
            ("Message", self.message),
            ("Kombo log", self.log_url),
            ("Attempts", self.attempts),
        )
        return "\n".join(f"{label}: {value}" for label, value in labels if value is not None)

    def as_log_text(self) -> str:
        """The support text on one line for the log file, without the words of an error
        answer: a server's words may quote what was sent (Kombo's refusals name the e-mail
        address or organisation they refused), and the log file is sent to support. Kombo's
        log link finds the request; a failure on this side keeps its technical reason.

        Decided by where the message came from, not by the HTTP status: Kombo's error shape
        sent with 200 quotes the customer just as well as with 400."""
        kept = replace(self, message=None) if self.message_from_server else self
        return kept.as_support_text().replace("\n", "; ")
