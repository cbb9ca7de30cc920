"""Every way a request to Kombo can fail, as types the window can show in plain words.

Each error carries two texts: ``user_message`` for the person in front of the screen (what
happened and what to do next, no jargon) and ``detail`` for support (status, Kombo's error code,
title and message, and the ``log_url`` Kombo support asks for: ``error_detail.ErrorDetail``).
Neither ever holds the API key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from kombo_desktop.core.error_detail import ErrorDetail


class KomboError(Exception):
    """Base of every failure the client reports. ``str(error)`` is the user message."""

    default_message = "Something went wrong while talking to Kombo. Please try again."

    def __init__(
        self,
        user_message: str | None = None,
        *,
        detail: ErrorDetail | None = None,
        retry_after: float | None = None,
    ):
        if detail is None:
            # Here, not at the top: no error is made before the first frame (see error_detail).
            from kombo_desktop.core.error_detail import ErrorDetail

            detail = ErrorDetail()
        self.user_message = user_message or self.default_message
        self.detail = detail
        # Seconds the last answer asked to wait (its ``Retry-After``, which the client honours
        # between its own attempts); only answers the client repeats (``RETRY_STATUSES``) have one.
        self.retry_after = retry_after
        super().__init__(self.user_message)

    @property
    def pause(self) -> float | None:
        """Seconds to hold back the next link request, counted from this answer, or ``None``
        to let it go at once. The wait the answer asked for ("unavailable for 2 minutes"):
        a press sooner only runs into the same answer."""
        return self.retry_after


# Who can help the many without a seat in the Kombo dashboard (the people this program is
# for) to what is found there: a key, which they can set up on the person's computer (see
# packaging/README.md; the key then passes through no chat or e-mail), or a customer's
# integration id.
WHO_MANAGES_KOMBO = "whoever manages your Kombo account"


class MissingApiKeyError(KomboError):
    default_message = (
        "No API key is set for this profile. Paste the key from the Kombo dashboard (Secrets "
        f"page) in Settings, ask {WHO_MANAGES_KOMBO} to set one up, or try the demo."
    )


class KeyUnreadableError(KomboError):
    """The password store could not be read (locked, or failing): a key may well be saved, but
    it cannot be used now, and nothing is sent without it. The message is the store's problem
    in plain words, with what to do (unlock it, or enter the key in Settings)."""

    default_message = (
        "Your computer's password store could not be read, so the API key cannot be used. "
        "Unlock it, then try again."
    )


class RefusedAddressError(KomboError):
    """The profile's saved API address is one this version refuses (see
    ``Profile.address_problem``): nothing is sent, neither there nor to another address in its
    stead, and the key is not even read. The message names the profile and the way forward
    (correct its address in Settings)."""

    default_message = (
        "The API address saved for this profile can no longer be used, so no link was made. "
        "Open Settings and correct the address of the profile."
    )


class AuthenticationError(KomboError):
    """401/403: the key is wrong, revoked, or belongs to the other region."""

    default_message = (
        "Kombo did not accept the API key. It may be mistyped, revoked, or meant for the "
        "other region (Europe or United States). Check the key and region in Settings."
    )


class MalformedKeyError(AuthenticationError):
    """The key has spaces or characters no Kombo key has; found before anything is sent."""

    default_message = (
        "The saved API key contains spaces or characters a Kombo key never has. Paste the key "
        "again in Settings, copied straight from the Kombo dashboard."
    )


class ShortKeyError(MalformedKeyError):
    """The key is shorter than any Kombo key (``credentials.MIN_KEY_LENGTH``): one that short
    would not be masked in the log, so it is never sent."""

    default_message = (
        "The saved API key is too short to be a Kombo API key. Paste the key again in Settings, "
        "copied whole from the Kombo dashboard."
    )


class IpNotAllowedError(AuthenticationError):
    """403 with ``PLATFORM.IP_NOT_WHITELISTED``."""

    default_message = (
        "Kombo refused this computer's network address: it is not on the account's allow "
        "list. Ask whoever manages your Kombo account to allow it, or use another network."
    )


def is_key_refused(error: BaseException) -> bool:
    """Whether the key itself was refused (wrong, revoked or malformed): the cases Settings or
    ``KOMBO_API_KEY`` can mend, unlike a refused network address."""
    return isinstance(error, AuthenticationError) and not isinstance(error, IpNotAllowedError)


def is_key_unknown(error: BaseException) -> TypeGuard[AuthenticationError]:
    """Whether Kombo does not know the key at all (a 401, or a key so malformed that it was
    never sent): what the background requests (tool lists, the reconnection tab's lookup) say
    at once, as every link would be refused too. Not a 403, which may only mean the key lacks
    the right to that one request while it still makes links."""
    return isinstance(error, MalformedKeyError) or (
        isinstance(error, AuthenticationError) and error.detail.http_status == 401
    )


class InputRejectedError(KomboError):
    """400/422: Kombo refused what was sent (``PLATFORM.INPUT_INVALID``).

    ``fields`` are the request fields Kombo's message names (the API's spelling, in the order
    named), so the form can mark where to look; empty when the message names none.
    """

    default_message = (
        "Kombo did not accept these details. Check the fields and try again; if it keeps "
        "happening, copy the details for support."
    )

    def __init__(
        self,
        user_message: str | None = None,
        *,
        detail: ErrorDetail | None = None,
        fields: tuple[str, ...] = (),
    ):
        super().__init__(user_message, detail=detail)
        self.fields = fields


# Kombo's error code for an integration id it does not know (a 404 may also be a wrong address).
INTEGRATION_NOT_FOUND = "PLATFORM.INTEGRATION_NOT_FOUND"
# Kombo's limit on requests running at the same time (a 429 like its rate limit).
CONCURRENCY_LIMIT_EXCEEDED = "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED"
# Kombo's "took too long on its side" (a server error of its own, repeated like one).
TASK_TIMED_OUT = "PLATFORM.TASK_TIMED_OUT"


# Said first of an integration id Kombo does not know: most often it was copied wrong.
UNKNOWN_ID_TEXT = "Kombo has no integration with this id. Copy it again from the Kombo dashboard."
# Why a right integration id is unknown: it is in another Kombo account or region than the one
# this profile's key reaches (said after "If it was right, "). Only the person who gave the id
# can tell which account that is; Settings shows no "production" or "development", only the
# profiles, so the way forward is choosing one there. Short and without an example id: the
# typed id already looked like one.
ANOTHER_PLACE_TEXT = (
    "it may be in another Kombo account or region: ask whoever gave you the id which one, then "
    "choose that profile in Settings."
)


class NotFoundError(KomboError):
    """404, e.g. an integration id that does not exist (``INTEGRATION_NOT_FOUND``). Its words
    are the reconnection tab's for a single profile: where they are shown (the log, a key
    check answered so) nothing tells whether Settings has another profile to choose."""

    default_message = (
        f"{UNKNOWN_ID_TEXT} If it was right, it may be in another Kombo account or region: ask "
        "whoever gave you the id."
    )


def is_unknown_integration(error: BaseException) -> bool:
    """Whether Kombo itself said it has no integration with the id asked about: its
    ``INTEGRATION_NOT_FOUND`` code. Any other 404 (a wrong API address, a gateway's "Not
    Found") says nothing about the id, and must not send the person to copy it again."""
    return isinstance(error, NotFoundError) and error.detail.code == INTEGRATION_NOT_FOUND


class RateLimitedError(KomboError):
    """429 after the retries allowed: too many requests in a short time."""

    default_message = "Kombo is receiving too many requests right now. Wait a minute and try again."

    @property
    def pause(self) -> float | None:
        """Seconds to hold back the next link request, counted from this answer: pressing
        again at once is only turned away again. The wait Kombo asked for; without one,
        ``retry_policy.UNSAID_RATE_LIMIT_PAUSE`` for its rate limit, and none for its limit
        on requests at the same time, which ends as soon as the others are done."""
        from kombo_desktop.core.retry_policy import UNSAID_RATE_LIMIT_PAUSE

        if self.retry_after is not None:
            return self.retry_after
        if self.detail.code == CONCURRENCY_LIMIT_EXCEEDED:
            return None
        return UNSAID_RATE_LIMIT_PAUSE


class ServerError(KomboError):
    """5xx after the retries allowed."""

    default_message = (
        "Kombo had a problem on its side and could not make the link. Try again in a few "
        "minutes; if it keeps happening, copy the details for support."
    )


class RequestTimeoutError(KomboError):
    default_message = "Kombo took too long to answer. Check your internet connection and try again."


class ConnectionFailedError(KomboError):
    """DNS failure, refused connection, network down, proxy unreachable."""

    default_message = (
        "Could not reach Kombo. Check that you are online (and connected to the VPN if your "
        "company uses one), then try again."
    )


class TlsError(ConnectionFailedError):
    """The server's certificate could not be verified. Never bypassed."""

    default_message = (
        "The connection to Kombo could not be verified as secure, so nothing was sent. "
        "This usually means a network filter is in the way; ask your IT team."
    )


class UnexpectedResponseError(KomboError):
    """The answer was not Kombo's: an HTML page from a proxy, invalid JSON, no link, too big."""

    default_message = (
        "The answer did not come from Kombo in the expected form (a network filter or "
        "login page may be in the way). Try again; if it keeps happening, ask your IT team."
    )


class UnsafeLinkError(UnexpectedResponseError):
    """The answer held a link that is not an ``https://`` address; it is never shown."""

    default_message = (
        "Kombo's answer contained a link that is not a secure web address, so it was not "
        "shown. Please try again and tell support if it happens again."
    )


class RequestCancelled(KomboError):  # noqa: N818 - the person chose this; not an error to them
    """The person cancelled; shown as a neutral status, never as a failure."""

    default_message = "Cancelled. Nothing was changed."
