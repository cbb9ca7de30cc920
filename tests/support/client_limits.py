"""The client's limits for a window that talks to a test server of its own on 127.0.0.1.

A test server answers at once, but it runs on a thread of the test's process: on a loaded
machine (CI's two shared cores) that thread can stall for most of a second. With a short timeout
for every test, a refusal or a broken body tested there then ended in "took too long" instead of
the fault the test is about. So the timeout is generous by default, and only a test whose fault
is time (a server that never answers, answers late or drips its answer) asks for
``SHORT_TIMEOUT`` by name, so that it ends in a fraction of a second.

Retries stay quick whatever the timeout: little backoff and a small time budget, so the tests of
repeated requests and of budgets running out are over in a second or two.
"""

from __future__ import annotations

# Far longer than a stalled test server's thread takes to answer.
GENEROUS_TIMEOUT = 10.0
# For the tests whose fault is time: long enough for a request to be sent, short enough to
# end the test quickly.
SHORT_TIMEOUT = 0.5

QUICK_RETRIES = {
    "max_attempts": 3,
    "max_retry_seconds": 3.0,
    "backoff_seconds": 0.05,
}
