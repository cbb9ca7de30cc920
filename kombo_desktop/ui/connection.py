"""Where requests go and with which key: the window's one ``KomboClient`` per target.

A *target* is what the profile label shows: a profile name and region, or the demo service.
The client is built lazily on a worker thread (importing it loads httpx, and reading the key
may wait on the operating system's password store) and then reused, so its connection pool
and TLS set-up are paid for once, not on every click; once Kombo refuses its key, every use
reads the key again until the store holds another (``Connection.key_refused``). When the
target changes (another profile, region or address, the demo) the window closes this
``Connection`` and makes a new one. When only the profile's key changes it makes a new one
too, and a request still running on the old one finishes there
(``AccountFeature.use_new_key``).

The key never reaches a widget: it goes from the credential store straight into the client.

A key given when the program was started (``KOMBO_API_KEY``) is the key of every profile for
that run: the target says so (``Target.run_key``), and the window says it in those words, the
variable's name only where a technical reader looks (the header's tooltip, Settings).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from kombo_desktop.core.api_address import host_of
from kombo_desktop.core.credentials import CredentialStore, KeyLocation
from kombo_desktop.core.errors import RefusedAddressError
from kombo_desktop.core.policy import Policy
from kombo_desktop.core.settings import (
    REGION_PLACES,
    Profile,
    Region,
    Settings,
    address_not_from_region,
)

if TYPE_CHECKING:
    from kombo_desktop.core.client import KomboClient

KOMBO_REGIONS = (Region.EU.value, Region.US.value)  # a target's region; else an address's host
NO_HOST_LABEL = "address to correct"  # the header's word for an address without a usable host

DEMO_PLACE = "Demo service on this computer"
DEMO_NEEDS = "no key needed"
DEMO_SHORT_PLACE = "Demo service"  # in a header too narrow for more on one line

# The key given when the program was started (KOMBO_API_KEY), in the words of the person at
# the screen, who may never have heard of environment variables: short for the header, whole
# for sentences.
RUN_KEY_SHORT = "key given at start"
RUN_KEY_WORDS = "the key given when the program was started"
# Said at start while it is in use (``MainWindow``). True whether or not any profile has a
# key saved: finding out would read the password store, which on some computers asks to be
# unlocked at every read, and nothing else needs it while this key is used. Settings says what
# becomes of a key saved there meanwhile (used on a start without this one).
RUN_KEY_NOTE = (
    f"Every profile makes its links with {RUN_KEY_WORDS}. To change that, ask whoever set up "
    "how Kombo Desktop starts."
)
# Added to the header's tooltip while it is in use: the variable's name is for whoever set it
# up, who looks there (and in Settings' key row), not in the sentences shown to everyone.
RUN_KEY_TIP = (
    f"Every profile makes its links with {RUN_KEY_WORDS} (the KOMBO_API_KEY environment "
    "variable), whatever key is saved for it in Settings."
)


class Target(NamedTuple):
    """One place links can be made: a profile's Kombo region, or the local demo service.

    A named tuple rather than a frozen dataclass, which compiles its methods as this module
    loads, before the window's first frame (``app.Options`` says more)."""

    profile: str
    api_base: str
    region: str  # "EU", "US", or the host of a custom address
    demo: bool = False
    # Links go with the key given when the program was started (KOMBO_API_KEY), whatever the
    # profile: the header and the sentences about a change say so.
    run_key: bool = False
    # Why nothing can be sent here: the profile's own saved address is one this version
    # refuses (``Profile.address_problem``). ``Connection.client`` then refuses to send.
    address_problem: str | None = None

    @property
    def at_kombo_region(self) -> bool:
        """True for Kombo's own regions; False for another address (or the demo service)."""
        return self.region in KOMBO_REGIONS

    @property
    def label(self) -> str:
        """What the window's header shows, e.g. "Profile: default · EU": compact, as it sits
        under the program's name all the time. Sentences use :attr:`place` instead."""
        if self.demo:
            return f"{DEMO_PLACE} · {DEMO_NEEDS}"
        label = f"Profile: {self.profile} · {self.region}"
        return f"{label} · {RUN_KEY_SHORT}" if self.run_key else label

    @property
    def shorter_labels(self) -> tuple[str, ...]:
        """Shorter forms of :attr:`label`, longest first, for a header too narrow for it on
        one line. Only the demo's: the amber bar above says what it is, and its label took two
        or three lines of the header on a small laptop. A profile keeps its name and region,
        which say where links go."""
        return (DEMO_PLACE, DEMO_SHORT_PLACE) if self.demo else ()

    @property
    def place(self) -> str:
        """Where links go in a sentence's words: the region as Settings names it ("Europe",
        "United States"), else the custom address by its host ("address kombo.corp.example")."""
        if self.demo:
            return DEMO_PLACE[:1].lower() + DEMO_PLACE[1:]
        if self.at_kombo_region:
            return REGION_PLACES[Region(self.region)]
        return f"an {NO_HOST_LABEL}" if self.region == NO_HOST_LABEL else f"address {self.region}"

    @property
    def spoken_label(self) -> str:
        """The header's label as a screen reader says it, without the label's "Profile:" and
        its "·" (read out as a word, or not at all): e.g. "default, Europe"."""
        if self.demo:
            return f"{DEMO_PLACE}, {DEMO_NEEDS}"
        spoken = f"{self.profile}, {self.place}"
        return f"{spoken}, with the {RUN_KEY_SHORT}" if self.run_key else spoken

    def made_with_words(self, when: str) -> str:
        """The start of every sentence saying which profile links go with, e.g. "Links are
        now made with the profile “default” (Europe)" (``when``: "now" after a switch, "still"
        when another profile was edited), the same in the window and in Settings."""
        return f"Links are {when} made with the profile “{self.profile}” ({self.place})"

    @property
    def now_used_text(self) -> str:
        """The sentence saying links go here from now on, e.g. "Links are now made with the
        profile “default” (Europe).", said by the window and by Settings alike."""
        return self.now_used_because("")

    def now_used_because(self, reason: str) -> str:
        """:attr:`now_used_text` with why this profile was taken into use (``reason``, e.g.
        "as “default” has no key"; empty for none). With the key given at start it says that
        this key, not the profile's own, goes with them: the sentence alone once sent a test
        link out with the production key. The variable's name is not in it: the screen may
        be shared with a customer (whoever set it up finds it in Settings' key row)."""
        if self.address_problem is not None:
            # "Links are now made with ..." would be untrue: none are until it is corrected.
            return f"The profile “{self.profile}” is now in use. {self.address_problem}"
        made = self.made_with_words("now")
        if reason:
            made = f"{made}, {reason}"
        if not self.run_key:
            return f"{made}."
        return (
            f"{made}, but still with {RUN_KEY_WORDS}: it is used for every profile, whatever "
            "key is saved for this one."
        )


def region_label(region: str, api_base: str) -> str:
    """EU / US for Kombo's regions (the header's short form), else the host name of the
    custom address."""
    if region in KOMBO_REGIONS:
        return region
    host = host_of(api_base)
    # A saved address this version refuses may have no host, or one with invisible
    # characters (``Profile.refused_base``): not for the header of a screen that may be shared.
    return host if host and host.isprintable() else NO_HOST_LABEL


def effective_profile(settings: Settings, name: str) -> Profile:
    """The profile called ``name`` (the settings hold the administrator's profiles in place
    of the person's own, see ``SettingsStore``); an unknown name (``--profile`` for a profile
    never saved) gets the EU region, so a key an administrator provisioned with
    ``keyring set kombo-desktop <name>`` works right away."""
    return settings.profile(name) or Profile(name=name)


def resolve_target(
    settings: Settings,
    policy: Policy,
    profile_name: str,
    api_base_override: str | None,
    *,
    run_key: bool = False,
) -> Target:
    """Where links for ``profile_name`` go: see :func:`profile_target`."""
    return profile_target(
        effective_profile(settings, profile_name),
        fixed_api_base=policy.fixed_api_base,
        api_base_override=api_base_override,
        run_key=run_key,
    )


def profile_target(
    profile: Profile,
    *,
    fixed_api_base: str | None,
    api_base_override: str | None,
    run_key: bool = False,
) -> Target:
    """Where links for ``profile`` go: the administrator's fixed address, else
    ``--api-base`` / ``KOMBO_API_BASE``, else the profile's region or its own address (which
    may be one this version refuses: the target then says so, see ``Target.address_problem``).
    ``run_key``: they go with the key given at start (KOMBO_API_KEY), not the profile's own.
    Settings asks too, to say a change in the window's words."""
    address = address_not_from_region(
        profile, fixed_api_base=fixed_api_base, api_base_override=api_base_override
    )
    if address is None:
        return Target(profile.name, profile.api_base, profile.region.value, run_key=run_key)
    own_address = fixed_api_base is None and api_base_override is None
    return Target(
        profile.name,
        address,
        region_label("custom", address),
        run_key=run_key,
        address_problem=profile.address_problem if own_address else None,
    )


def known_environment_id(
    settings: Settings,
    credentials: CredentialStore,
    target: Target,
    run_key_environments: Mapping[str, str],
) -> str | None:
    """The Kombo environment of the key links for ``target`` are made with, when a key check
    has told; none for the demo. While KOMBO_API_KEY is set, links are made with that key,
    so it is that key's environment at the target's address (``run_key_environments``, by
    API address), not the one the settings keep for the profile's saved key: the history
    filed a test link made with a production key as the sandbox's."""
    if target.demo:
        return None
    if credentials.run_key_in_use:
        return run_key_environments.get(target.api_base)
    profile = settings.profile(target.profile)
    return profile.environment_id if profile is not None else None


class KeyStatus(NamedTuple):
    """Whether the target has a key, without the key itself (the UI never holds it)."""

    has_key: bool
    problem: str | None  # the password store's plain-words problem, if any
    # The password store could not be read: whether there is a key is not known.
    unreadable: bool = False
    # The key is the one in the password store (not the key given at start, nor one kept for
    # this session only): a refusal of it remembered from an earlier run is about this key.
    stored: bool = False


class Connection:
    """The client for one target; safe to use from several worker threads at once."""

    def __init__(
        self,
        target: Target,
        credentials: CredentialStore,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.target = target
        self._credentials = credentials
        # Extra KomboClient arguments (timeouts, retry limits); tests and measurements use them.
        self._client_options = dict(client_options or {})
        self._lock = threading.Lock()
        self._client: KomboClient | None = None
        # False while the client was built without a key for a Kombo target (see ``client``).
        self._client_has_key = False
        # Which key the client was built with (a fingerprint, not the key), and whether Kombo
        # refused it: a refusal holds for that key, not for whatever the store holds later.
        self._client_key: bytes | None = None
        self._client_refused = False
        # Whether that key is the one the password store holds for the profile (not the key
        # given at start, nor one kept for this session only): what Kombo says of it is
        # remembered for the next start (``AccountFeature.key_verdict``).
        self._client_key_stored = False
        # Clients a newer one took over from (keyless, or their key refused): closed with the
        # connection, as a worker may still be using them.
        self._replaced: list[KomboClient] = []
        self._closed = False
        self._renamed_to: str | None = None

    def follow_rename(self, new: str) -> None:
        """The target's profile was renamed: still the same place and the same key (it moves
        with the name), so this connection and a request running on it may carry on."""
        self.target = self.target._replace(profile=new)
        self._renamed_to = new

    def take_rename(self) -> str | None:
        """The name :meth:`follow_rename` was last given, once (None if none since)."""
        renamed, self._renamed_to = self._renamed_to, None
        return renamed

    @property
    def holds_key(self) -> bool:
        """Whether the next request goes with a key read from the store before, without
        reading the store again (a client built with a key Kombo has not refused)."""
        with self._lock:
            return (
                self._client is not None
                and self._client_key is not None
                and not self._client_refused
            )

    @property
    def holds_refused_key(self) -> bool:
        """Whether Kombo refused the key the next request would go with, as last read from
        the store (:meth:`key_refused` or :meth:`stored_key_refused`), and no other key
        has been read since: Settings, opened from that refusal, says so of the profile's key
        rather than that a key is stored, as if it were fine."""
        with self._lock:
            return (
                self._client is not None and self._client_key is not None and self._client_refused
            )

    @property
    def sends_stored_key(self) -> bool:
        """Whether the next request goes with the key the password store holds for the
        target's profile, as read from it last (refused by Kombo or not)."""
        with self._lock:
            return self._client is not None and self._client_key_stored

    @property
    def key_sent(self) -> bytes | None:
        """A fingerprint of the key the client was last built with (None: no key, or no
        client yet), never the key itself."""
        with self._lock:
            return self._client_key

    def key_to_send_fingerprint(self) -> bytes | None:
        """A fingerprint of the key the next request would read now (worker thread: the
        password store may be slow or ask the user); raises ``KeyUnreadableError`` as
        :meth:`client` does."""
        if self.target.demo:
            return None
        return key_fingerprint(self._credentials.key_to_send(self.target.profile))

    def key_status(self) -> KeyStatus:
        """Look the key up (worker thread: the password store may be slow or ask the user)."""
        if self.target.demo:
            return KeyStatus(has_key=True, problem=None)
        location = self._credentials.location(self.target.profile)
        unreadable = location is KeyLocation.UNREADABLE
        return KeyStatus(
            has_key=location is not None and not unreadable,
            problem=self._credentials.problem,
            unreadable=unreadable,
            stored=location is KeyLocation.CREDENTIAL_STORE,
        )

    def client(self) -> KomboClient:
        """The shared client, built on first use (call from a worker thread).

        A client built without a key (none was saved yet; a local address may need none), or
        with a key Kombo refused, is not the last word for a Kombo target: on every later use
        the key is looked up again and, once the store holds another, a client with it takes
        over. A password store that cannot be read raises ``KeyUnreadableError`` instead, and
        the next use reads it again: one locked store at the first click once failed every
        link until the program was restarted. A target whose address this version refuses
        raises ``RefusedAddressError`` (see ``Target.address_problem``).
        """
        from kombo_desktop.core.client import KomboClient
        from kombo_desktop.core.errors import RequestCancelled

        if self.target.address_problem is not None:
            # Before the key is read: it was saved for that address, and goes nowhere else.
            raise RefusedAddressError(self.target.address_problem)
        with self._lock:
            if self._closed:
                raise RequestCancelled()
            current = self._client
            if current is not None and self._client_has_key and not self._client_refused:
                return current
        # Not under the lock: the password store may wait for its user (an unlock or "allow
        # access" prompt), and ``close()`` on the UI thread must never wait for that.
        # A store that cannot be read raises here, before anything is sent without the key.
        key = None if self.target.demo else self._credentials.key_to_send(self.target.profile)
        stored = key is not None and not self.target.demo and self._key_is_stored()
        fingerprint = key_fingerprint(key)
        with self._lock:
            if not self._closed and self._client is not None and self._client_key == fingerprint:
                # Still the same key: none yet (a local address may need none), or the one
                # Kombo refused, which a new client would send all the same.
                return self._client
        made = KomboClient(self.target.api_base, key, **self._client_options)
        with self._lock:
            if not self._closed and self._client is current:
                if current is not None:
                    self._replaced.append(current)  # closed with the connection: may be in use
                self._client, self._client_key, self._client_refused = made, fingerprint, False
                self._client_key_stored = stored
                self._client_has_key = key is not None or self.target.demo
                return made
            closed, existing = self._closed, self._client
        made.close()  # closed meanwhile, or another worker was quicker
        if closed or existing is None:
            raise RequestCancelled()
        return existing

    def _key_is_stored(self) -> bool:
        """Whether the key just read for the target is the password store's (see
        ``_client_key_stored``)."""
        credentials = self._credentials
        return not credentials.run_key_in_use and not credentials.held_for_session(
            self.target.profile
        )

    def key_refused(self, client: KomboClient) -> bool:
        """Kombo refused the key ``client`` (one of this connection's) was built with: from now
        on every use reads the key from the password store again, until the store holds
        another. A revoked key replaced there (``keyring set``) once failed every link until
        the program was restarted; and while the refusal counted only until the next reading,
        a look-up or key check that read the revoked key again meanwhile sent the next link
        with it once more. The key itself is still read only into the client (see
        :meth:`client`).

        Returns whether that key is still the one the next request goes with: a refusal that
        arrives after another key took its place is news about a key no longer used.
        """
        with self._lock:
            if client is not self._client:
                return False
            self._client_refused = True
            return True

    def stored_key_refused(self) -> None:
        """Kombo refused the key stored for this target at a check elsewhere (Settings): from
        now on every use reads the key from the password store again, as after a refusal of
        its own (:meth:`key_refused`), so the next request goes with the key that was checked,
        not an older one this connection read before it was replaced outside the program."""
        with self._lock:
            if self._client is not None and self._client_key is not None:
                self._client_refused = True

    def close(self) -> None:
        """Close the client; a worker still using it gets an error it reports as cancelled."""
        with self._lock:
            self._closed = True
            clients = [self._client, *self._replaced]
            self._client, self._replaced = None, []
        for client in clients:
            if client is not None:
                client.close()

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closed


def key_fingerprint(key: str | None) -> bytes | None:
    """Tells keys apart without keeping a second copy of one (None: no key)."""
    import hashlib  # not at import: with OpenSSL's _hashlib it cost the first frame ~5 ms

    return None if key is None else hashlib.sha256(key.encode("utf-8")).digest()
