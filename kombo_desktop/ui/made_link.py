"""A link just made, as the window tells its listeners (``MainWindow.link_made``).

Made by ``link_making`` with each link; the history records it (``HistoryFeature.record``).
It has a module of its own so that it loads after the window's first frame, in the idle time
that follows it (see ``LinkMaking``), not before: Python 3.11 compiles a dataclass's generated
methods from source as its module loads, about 1 ms a class here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
    from kombo_desktop.core.vocabulary import LinkType
    from kombo_desktop.ui.connection import Target
    from kombo_desktop.ui.customer import Customer


@dataclass(frozen=True)
class MadeLink:
    """A link just made, for listeners such as the history."""

    request: LinkRequest | RelinkRequest
    url: str
    is_demo: bool
    link_type: LinkType
    created: datetime
    target: Target
    # Whom it is for: the form's customer, or the one a reconnection was made for
    # (``RelinkCustomer.of_made``), worked out once for the QR code's name and the history.
    customer: Customer
    # Shown in the result panel; False when kept off the screen for details typed meanwhile
    # (``LinkMaking._show_created``), when it gets no invitation either.
    shown: bool
    # The Kombo environment of the key the request was sent with, when known (see
    # ``AccountFeature.environment_id``); the key may have been replaced while Kombo worked.
    environment_id: str | None = None
