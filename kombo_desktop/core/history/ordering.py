"""The history's order, newest first: by when each link was made, as far as that can be known.

Each entry keeps the time this computer's clock gave when the link was made (``created_at``).
A clock that was ahead then, and was put right since, gave a time later than now. Ordered by
that time, such a link came first in the history, above the links truly made after it, and
the duplicate warning offered it as the newest earlier link for the customer, though a newer
one had been made since.

Links are saved in the order they are made: SQLite gives each new row an ``id`` one above the
largest there is, so the ids only grow. A link dated later than now was therefore made no later
than now, nor than any link saved after it, and it takes its place as if made then (``MADE``):
among the links around it, and below a link made after the clock was put right. A time not
later than now is taken as it is: a link saved late (it waited while another program held the
file, see :mod:`.waiting`) keeps its place by when it was made.

Reading the history keeps to its indexes (see :mod:`.searching`): only links dated later than
now, few and found through the index of the times, need more, one read of the links saved after
each (from its ``id`` on).
"""

from __future__ import annotations

from typing import Final

# When a row of ``links`` counts as made, for ordering: its time, unless that is later than
# ``:now`` (stored text, see ``normalise.stored_time``); then the earliest of now and the times
# of the rows saved after it. Written for a query whose table ``links`` is not aliased.
MADE: Final = """
    CASE WHEN links.created_at <= :now THEN links.created_at
    ELSE min(:now, coalesce(
        (SELECT min(later.created_at) FROM links AS later NOT INDEXED
         WHERE later.id > links.id),
        :now))
    END
"""
