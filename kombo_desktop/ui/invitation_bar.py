"""The invitation buttons under the link: "Copy invitation" and "E-mail".

Staff rarely send a bare link: they write a few friendly lines around it. The words come from
``kombo_desktop.core.invitation`` (resource files per language), in the language of the
customer's connection flow, naming the tool when one was chosen and saying how long the link
is valid. "E-mail" opens the mail program with a ``mailto:`` address built by the core; when the
customer's address is not known (a reconnection link made from an integration id alone) the new
e-mail simply has no recipient yet.

The bar only acts on the link it was told about (``InvitationContext``) and only while the
result area still shows that link, so it can never pair one customer's details with another
customer's link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kombo_desktop.core.vocabulary import LANGUAGE_NAMES_IN_ENGLISH, LINK_TYPE_NAMES, LinkType
from kombo_desktop.ui import theme
from kombo_desktop.ui.widgets import plain_label, plain_tooltip, push_button

if TYPE_CHECKING:  # made with each link, not before the first frame (see there)
    from kombo_desktop.ui.invitation_context import InvitationContext

# Said when the invitation of the link on show changed after it was copied (Kombo named the
# customer's organisation late): the copied one still asked "your company". Without the name,
# as screen-sharing mode may be on.
INVITATION_NOW_NAMED = (
    "The invitation now names the customer's organisation: copy it again if you have not sent "
    "it yet."
)


# What the buttons do, for screen readers; ``language`` is " in Spanish" once there is an
# invitation, "" before.
_COPY_DESCRIPTION = "Copy an invitation message{language} with the link"
_EMAIL_DESCRIPTION = "Write the invitation{language} in your e-mail program"


class InvitationBar(QWidget):
    """``copyInvitationButton`` and ``emailButton``; emits ``notice(text, kind)``."""

    notice = Signal(str, str)

    def __init__(
        self,
        link_has_expired: Callable[[], bool] = lambda: False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("invitationBar")
        self.context: InvitationContext | None = None
        self._shown_url: str | None = None
        # The invitation last put on the clipboard, while its link is the one on show: when
        # that link's invitation changes (``set_context``), the copied one is out of date.
        self._copied: InvitationContext | None = None
        # Asked before the link is handed on: the result area's look at the clock now (see
        # ``ResultPanel.link_has_expired``), which shows and says it when the link just expired.
        self._link_has_expired = link_has_expired

        self.copyInvitationButton = push_button(
            "copyInvitationButton", "Copy invitation", _COPY_DESCRIPTION.format(language="")
        )
        self.emailButton = push_button(
            "emailButton", "E-mail…", _EMAIL_DESCRIPTION.format(language="")
        )
        self.languageLabel = plain_label()
        self.languageLabel.setObjectName("invitationLanguageLabel")
        self.languageLabel.setProperty("class", "hint")

        # A column, like the result panel's other actions it sits among.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, theme.SPACING // 2, 0, 0)
        layout.setSpacing(theme.SPACING // 2 + 2)
        layout.addWidget(self.copyInvitationButton)
        layout.addWidget(self.emailButton)
        layout.addWidget(self.languageLabel)

        self.copyInvitationButton.clicked.connect(self.copy_invitation)
        self.emailButton.clicked.connect(self.email_invitation)
        self._update()

    def set_context(self, context: InvitationContext | None) -> None:
        """The link the result area shows now, with its customer's details (or None)."""
        copied, self._copied = self._copied, None
        self.context = context
        self._shown_url = context.url if context is not None else None
        self._update()
        if copied is None or context is None or context.url != copied.url:
            return
        if context.invitation().body == copied.invitation().body:
            self._copied = copied  # still the invitation copied
        elif context.organization and not copied.organization:
            self._say_copy_out_of_date()

    def _say_copy_out_of_date(self) -> None:
        """The invitation on show came to name the customer's organisation after it was
        copied (Kombo named it late): the status line still said to paste the copied one,
        which asked "your company" to reconnect. Said once, politely, and without the name,
        which screen-sharing mode keeps off the screen."""
        self.notice.emit(INVITATION_NOW_NAMED, "info")

    def link_shown(self, url: str) -> None:
        """The result area's link changed; the buttons work only for the link they know."""
        self._shown_url = url or None
        self._update()

    @property
    def ready(self) -> bool:
        return self.context is not None and self.context.url == self._shown_url

    def _update(self) -> None:
        ready = self.ready
        self.copyInvitationButton.setEnabled(ready)
        self.emailButton.setEnabled(ready)
        context = self.context if ready else None
        self._describe(context)
        if context is None:
            self.languageLabel.setText("")
            self.languageLabel.hide()  # no empty gap among the buttons
            self.copyInvitationButton.setToolTip("")
            self.emailButton.setToolTip("")
            return
        language = LANGUAGE_NAMES_IN_ENGLISH[context.language]
        self.languageLabel.setText(f"Invitation in {language}")
        self.languageLabel.show()
        self.copyInvitationButton.setToolTip(
            f"Copy a short message in {language} with the link, ready to paste"
        )
        if context.is_demo:
            tip = "Open your e-mail program with the demo invitation, addressed to no one"
        elif context.email:
            tip = plain_tooltip(f"Open your e-mail program with the invitation to {context.email}")
        else:
            tip = "Open your e-mail program with the invitation; add the recipient there"
        self.emailButton.setToolTip(tip)

    def _describe(self, context: InvitationContext | None) -> None:
        """The buttons' descriptions for screen readers, with the invitation's language: it is
        written under them ("Invitation in Spanish"), and a screen reader on "Copy invitation"
        heard nothing of it, so a Spanish invitation could go to a German customer unnoticed.
        The customer is not named: the result area's title names one only for a reconnection
        link outside screen-sharing mode."""
        language = "" if context is None else f" in {LANGUAGE_NAMES_IN_ENGLISH[context.language]}"
        self.copyInvitationButton.setAccessibleDescription(
            _COPY_DESCRIPTION.format(language=language)
        )
        self.emailButton.setAccessibleDescription(_EMAIL_DESCRIPTION.format(language=language))

    def copy_invitation(self) -> None:
        context = self.context if self.ready else None
        if context is None or self._link_has_expired():
            return
        context.copy_invitation()
        self._copied = context
        language = LANGUAGE_NAMES_IN_ENGLISH[context.language]
        if context.is_demo:
            self.notice.emit(
                f"Invitation copied ({language}). It holds a demo link: do not send it to a "
                "customer.",
                "info",
            )
        else:
            self.notice.emit(
                f"Invitation copied ({language}). Paste it into your message to the "
                f"customer.{_short_lived_note(context)}",
                "success",
            )

    def email_invitation(self) -> None:
        context = self.context if self.ready else None
        if context is None or self._link_has_expired():
            return
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from kombo_desktop.core.invitation import MAILTO_SAFE_LENGTH

        address = context.mailto()
        # Too long to hand over whole (its link could arrive cut off): the e-mail opens with
        # its recipient and subject, and the invitation goes by the clipboard.
        too_long = len(address) > MAILTO_SAFE_LENGTH
        if too_long:
            address = context.mailto(with_body=False)
            context.copy_invitation()
            self._copied = context
        url = QUrl.fromEncoded(address.encode("ascii"), QUrl.ParsingMode.StrictMode)
        if not url.isValid() or not QDesktopServices.openUrl(url):
            self.notice.emit(
                "No e-mail program could be opened. Use “Copy invitation” and paste it into "
                "a new e-mail.",
                "error",
            )
            return
        if too_long:
            self.notice.emit(
                "The invitation is too long to hand to an e-mail program whole, so it is on the "
                "clipboard: paste it into the e-mail that opens with its subject. If none "
                f"opens, paste it into a new e-mail.{_short_lived_note(context)}",
                "info",
            )
        elif context.is_demo:
            self.notice.emit(
                "Your e-mail program opens with the invitation, addressed to no one: it holds a "
                f"demo link, so do not send it to a customer. {_NO_MAIL_PROGRAM}",
                "info",
            )
        elif context.recipient:
            self.notice.emit(
                "Your e-mail program opens with the invitation: check it and press Send. "
                f"{_NO_MAIL_PROGRAM}{_short_lived_note(context)}",
                "info",
            )
        else:
            self.notice.emit(
                "Your e-mail program opens with the invitation. The customer's e-mail address "
                f"is not known: add it, then press Send. {_NO_MAIL_PROGRAM}"
                f"{_short_lived_note(context)}",
                "info",
            )


# Qt can tell only that it asked the system to open the e-mail: on a computer without a mail
# program nothing opens (or Windows asks which program to use), and no error comes back.
_NO_MAIL_PROGRAM = "If none opens, use “Copy invitation” and paste it into a new e-mail."


def _short_lived_note(context: InvitationContext) -> str:
    """A word when the link is an app's embedded one: it stops working an hour after it was
    made, often before a customer reads an e-mail; links to send by hand last a year. Both are
    named as the form's link type list names them ("an app's embedded flow" meant nothing).
    One made while this computer's clock was ahead may have expired already, as the history
    and the invitation say: "stops working in an hour" promised the hour it may not have."""
    if context.link_type is not LinkType.EMBEDDED:
        return ""
    if context.may_have_expired():
        return (
            " Note: this link may have expired already (this computer's clock was ahead when it "
            "was made), and the invitation says so. To send one that works, make a new link "
            f"with the link type “{LINK_TYPE_NAMES[LinkType.MAGIC_LINK]}”."
        )
    return (
        f" Note: this link is of the type “{LINK_TYPE_NAMES[LinkType.EMBEDDED]}” and stops "
        "working in an hour. To e-mail a link, make a new one with the link type "
        f"“{LINK_TYPE_NAMES[LinkType.MAGIC_LINK]}”."
    )
