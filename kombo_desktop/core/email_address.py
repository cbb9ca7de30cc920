"""The customer's e-mail address: the rules Kombo applies to it, said in plain words, and the
address to offer when what was typed or pasted stands for one.

Kombo checks addresses with the rule it publishes for ``end_user.creator_email``; checking the
same here tells the person at the form, next to the field, before sending rather than after a
refusal. Mail programs copy an address with a name, angle brackets or "mailto:" around it, and
web pages with invisible characters in it: such an address is refused with the one it stands
for named, and offered as a one-click fix (``suggested_email``).
"""

from __future__ import annotations

from kombo_desktop.core.field_text import (
    has_control_characters,
    quoted_character,
    refuses_keys,
    sent_text,
)

MAX_EMAIL = 254  # RFC 5321's limit for a whole address
MAX_EMAIL_LOCAL = 64

_EXAMPLE_EMAIL = "anna@example.com"

# Characters RFC 5322 allows unquoted before the @ besides letters and digits.
# Kombo's rule (the common TypeScript e-mail rule) allows before the @ only plain letters,
# digits and these; after it, an ASCII domain.
_LOCAL_SYMBOLS = frozenset("_'+-")
_ALLOWED_IN_ADDRESS = "plain letters (a to z), digits and . _ ' + -"


def _unwrapped_address(email: str) -> tuple[str, str] | None:
    """The one usable address in what a mail program copies around it ("Anna Berg
    <anna@example.com>", "mailto:anna@example.com", "anna@example.com;"), with a description
    of what is around it; None when there is not exactly one good address in it.

    Mail programs put a name, angle brackets, "mailto:" or a separator around an address when
    it is copied; the plain refusal ("can't contain spaces") would leave the person to work out
    which part to keep.
    """
    address, extra = None, ""
    if email.endswith(">"):
        name, bracket, inside = email[:-1].rpartition("<")
        if bracket and "@" not in name:  # an @ before it: more than one address
            address = inside.strip()
            extra = "the name and the angle brackets" if name.strip() else "the angle brackets"
    elif email[:7].lower() == "mailto:":
        address, extra = email[7:], f"“{email[:7]}”"
    elif email.endswith((";", ",")):
        address = email.rstrip(";, ")
        extra = f"the “{email[len(address) :].strip()}” after it"
    if address is None or email_problem(address) is not None:
        return None
    return address, extra


def suggested_email(email: str) -> str | None:
    """The address Kombo accepts that ``email`` stands for, when ``email`` is refused but names
    exactly one: copied with an invisible character in it, with a name, "mailto:" or a
    separator around it, or at an international domain (then written as e-mail systems write
    it). None otherwise; the form offers it as a one-click fix, the message names it."""
    typed = email.strip()
    if not typed or email_problem(typed) is None:
        return None
    email = sent_text(typed)
    if email != typed and email_problem(email) is None:
        return email
    if not email or len(email) > MAX_EMAIL:
        return None
    unwrapped = _unwrapped_address(email)
    if unwrapped is not None:
        return unwrapped[0]
    local, at, domain = email.partition("@")
    # _dns_form checks the whole address so written: a bad name before the @ or a second @
    # gives nothing.
    return _dns_form(local, domain) if at and not domain.isascii() else None


@refuses_keys
def email_problem(email: str) -> str | None:
    """Why ``email`` is not a usable address, or ``None``.

    Checks the shape people get wrong when typing or pasting (missing or doubled @, no domain
    ending, stray dots, spaces, two addresses at once, a name or "mailto:" around the address),
    and the characters Kombo accepts.
    """
    if not email:
        return f"Enter the customer's e-mail address, like {_EXAMPLE_EMAIL}."
    visible = sent_text(email)
    if visible != email:
        # A zero-width space or a direction mark copied along shows as nothing: named plainly,
        # with the address without it, once that address is one Kombo takes; until then what
        # else is wrong with it is the thing to fix.
        return email_problem(visible) or (
            "The e-mail address contains an invisible character, often copied along from a "
            f"web page or a chat. Remove it: enter the address as {visible} (the same address, "
            "without it)."
        )
    if len(email) > MAX_EMAIL:
        return (
            f"The e-mail address is too long (at most {MAX_EMAIL} characters). "
            "Check that only one address was pasted."
        )
    unwrapped = _unwrapped_address(email)
    if unwrapped is not None:
        # The address mid-sentence, so that selecting it does not take the full stop along.
        return f"Enter only the e-mail address, {unwrapped[0]}, without {unwrapped[1]}."
    if any(ch.isspace() for ch in email):
        return (
            "The e-mail address can't contain spaces. Remove them, and check that only one "
            "address was entered."
        )
    if has_control_characters(email):
        return "The e-mail address contains an invisible character. Type the address again."
    at_signs = email.count("@")
    if at_signs == 0:
        return (
            f"The e-mail address needs an @ between the name and the domain, like {_EXAMPLE_EMAIL}."
        )
    if at_signs > 1:
        return f"The e-mail address has more than one @. Enter one address, like {_EXAMPLE_EMAIL}."
    local, domain = email.split("@")
    if not local:
        return f"Add the name before the @ in the e-mail address, like anna in {_EXAMPLE_EMAIL}."
    if not domain:
        return (
            f"Add the domain after the @ in the e-mail address, like example.com in "
            f"{_EXAMPLE_EMAIL}."
        )
    return _local_part_problem(local) or _domain_problem(domain, local)


def _local_part_problem(local: str) -> str | None:
    if len(local) > MAX_EMAIL_LOCAL:
        return (
            f"The part of the e-mail address before the @ is too long "
            f"(at most {MAX_EMAIL_LOCAL} characters). Check the address."
        )
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return (
            "The part of the e-mail address before the @ can't start or end with a dot or "
            "have two dots in a row. Check the address."
        )
    for ch in local:
        if ch.isascii() and (ch.isalnum() or ch in _LOCAL_SYMBOLS or ch == "."):
            continue
        return (
            f"The e-mail address can't contain {quoted_character(ch)} before the @: Kombo "
            f"accepts only {_ALLOWED_IN_ADDRESS}. Check the address, like {_EXAMPLE_EMAIL}."
        )
    if local.endswith("'"):
        return (
            "The part of the e-mail address before the @ can't end with an apostrophe ('). "
            "Check the address."
        )
    return None


def _ascii_label_length(label: str) -> int:
    """Length of a domain label as sent over DNS (punycode for international names)."""
    if label.isascii():
        return len(label)
    return len("xn--") + len(label.casefold().encode("punycode"))


def _dns_form(local: str, domain: str) -> str | None:
    """The address with ``domain`` as e-mail systems write international names (müller.de
    becomes xn--mller-kva.de), when Kombo accepts the address so written; else None.

    Kombo accepts only plain letters in a domain, so a customer at müller.de could not be sent a
    link at all; the same domain written this way is one it accepts, and mail still arrives.
    """
    import idna  # IDNA 2008 (the standard library's codec is the older one: straße -> strasse)

    try:
        written = f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except UnicodeError:  # idna.IDNAError included: not a name that can be written so
        return None
    return written if email_problem(written) is None else None


def _domain_problem(domain: str, local: str) -> str | None:
    where = "The e-mail address's domain (after the @)"
    written = None if domain.isascii() else _dns_form(local, domain)
    if written is not None:
        # Before the checks of dots and endings: a look-alike dot ("example．com") is one in
        # the address so written, which is the address the form offers.
        first_other = next(ch for ch in domain if not ch.isascii())
        return (
            f"Kombo takes {quoted_character(first_other)} after the @ only the way e-mail "
            f"systems write it: enter the address as {written} (the same address; "
            "mail to it still arrives)."
        )
    if domain.startswith(".") or domain.endswith(".") or ".." in domain:
        return (
            f"{where} can't start or end with a dot or have two dots in a row. "
            f"Check the address, like {_EXAMPLE_EMAIL}."
        )
    labels = domain.split(".")
    if len(labels) < 2:
        return (
            f"{where} is incomplete: it needs an ending like .com or .de "
            f"(for example {_EXAMPLE_EMAIL})."
        )
    for label in labels:
        bad = next((ch for ch in label if not (ch.isascii() and (ch.isalnum() or ch == "-"))), None)
        if bad is not None:
            return (
                f"{where} can't contain {quoted_character(bad)}: Kombo accepts only plain "
                f"letters (a to z), digits, dots and hyphens there. Check the address, like "
                f"{_EXAMPLE_EMAIL}."
            )
        if label.startswith("-") or label.endswith("-"):
            return f"{where} can't start or end a part with a hyphen (-). Check the address."
        if _ascii_label_length(label) > 63:
            return f"{where} has a part that is too long. Check the address."
    if sum(_ascii_label_length(label) for label in labels) + len(labels) - 1 > 253:
        return f"{where} is too long. Check the address."
    ending = labels[-1]
    if len(ending) < 2 or not ending.isalpha():
        return (
            f"The e-mail address must end with a real ending like .com or .de, not “.{ending}”. "
            "Check the address."
        )
    return None
