"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

_LOCAL_PART = st.from_regex(r"[A-Za-z0-9_'+-]{0,8}[A-Za-z0-9_+-]", fullmatch=True)
_DOMAIN_LABEL = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?", fullmatch=True)
_TOP_LEVEL = st.from_regex(r"[A-Za-z]{2,6}", fullmatch=True)

# Addresses Kombo's published rule accepts (the one ``email_address`` applies), of every shape:
# dotted names, plus tags, apostrophes, subdomains, upper and lower case.
kombo_emails = st.builds(
    lambda local, labels, top: f"{'.'.join(local)}@{'.'.join([*labels, top])}",
    st.lists(_LOCAL_PART, min_size=1, max_size=3),
    st.lists(_DOMAIN_LABEL, min_size=1, max_size=3),
    _TOP_LEVEL,
)
