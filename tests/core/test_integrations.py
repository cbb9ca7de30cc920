"""Reading ``GET /integrations/{id}`` and saying in plain words whose integration it is."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.errors import NotFoundError, UnexpectedResponseError
from kombo_desktop.core.integrations import (
    IntegrationInfo,
    IntegrationStatus,
    integration_from_answer,
    integration_text,
    mismatch_text,
    same_organization,
)
from kombo_desktop.core.vocabulary import Category
from tests.support import openapi
from tests.support.fault_server import FaultServer, Reply

KEY = "test-key-3f9a1c7e5b2d"
INTEGRATION_ID = "factorial:8d1hpPsbjxUkoCoa1veLZGe5"


def kombo_example() -> dict[str, Any]:
    """Kombo's own example answer, from its published document."""
    operation = openapi.document()["paths"]["/integrations/{integration_id}"]["get"]
    content = operation["responses"]["200"]["content"]["application/json"]
    return copy.deepcopy(content["examples"]["example1"]["value"])


def test_kombos_example_is_read() -> None:
    example = kombo_example()
    with FaultServer(Reply.json(example)) as server, KomboClient(server.base_url, KEY) as client:
        info = client.get_integration(INTEGRATION_ID)
    assert info == IntegrationInfo(
        integration_id=INTEGRATION_ID,
        tool="Factorial",
        organization="Acme",
        status=IntegrationStatus.ACTIVE,
        set_up=True,
        category=Category.HRIS,
    )
    (request,) = server.requests
    assert (request.method, request.path, request.body) == (
        "GET",
        f"/v1/integrations/{INTEGRATION_ID}",
        b"",
    )
    assert request.header("Authorization") == f"Bearer {KEY}"


def test_an_unknown_integration_is_not_found() -> None:
    reply = Reply.kombo_error(404, "PLATFORM.INTEGRATION_NOT_FOUND", "Integration not found.")
    with (
        FaultServer(reply) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(NotFoundError),
    ):
        client.get_integration("personio:nope")


def test_an_answer_without_the_integration_is_unexpected() -> None:
    with (
        FaultServer(Reply.json({"status": "success", "data": {"id": INTEGRATION_ID}})) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(UnexpectedResponseError),
    ):
        client.get_integration(INTEGRATION_ID)


def test_names_are_cleaned_and_the_key_never_gets_through() -> None:
    example = kombo_example()
    example["data"]["end_user"]["organization_name"] = f"Acme {KEY}"
    example["data"]["tool"]["label"] = "Fact\u202eorial\n"
    example["data"]["status"] = "SOMETHING_NEW"
    with FaultServer(Reply.json(example)) as server, KomboClient(server.base_url, KEY) as client:
        info = client.get_integration(INTEGRATION_ID)
    assert info.organization is None
    assert info.tool == "Factorial"
    assert info.status is IntegrationStatus.UNKNOWN
    assert KEY not in integration_text(info, private=False)


INFO = IntegrationInfo(INTEGRATION_ID, "Personio", "Acme GmbH", IntegrationStatus.INVALID, True)


def test_the_text_says_whose_it_is_and_what_a_relink_does() -> None:
    text = integration_text(INFO, private=False)
    assert text.startswith("This is the Personio connection of Acme GmbH.")
    assert "stopped working" in text and "a reconnection link fixes this" in text


def test_a_switched_off_connection_says_what_to_do_instead_of_a_reconnection_link() -> None:
    # It said "It was switched off in Kombo: it is switched on again on its page in the Kombo
    # dashboard, not with a reconnection link.", a sentence that broke off into a fragment.
    info = IntegrationInfo(INTEGRATION_ID, "Personio", None, IntegrationStatus.INACTIVE, True)
    assert integration_text(info, private=True) == (
        "This is a Personio connection. It was switched off in Kombo, so a reconnection link "
        "will not help: switch it back on from its page in the Kombo dashboard."
    )


def test_in_screen_sharing_mode_the_text_names_no_one() -> None:
    text = integration_text(INFO, private=True)
    assert "Acme" not in text
    assert text.startswith("This is a Personio connection.")


@pytest.mark.parametrize(
    ("status", "set_up", "words"),
    [
        (IntegrationStatus.ACTIVE, True, "It works"),
        (IntegrationStatus.INACTIVE, True, "switched off in Kombo"),
        (IntegrationStatus.UNKNOWN, True, "did not say"),
        (IntegrationStatus.ACTIVE, False, "not finished setting it up"),
    ],
)
def test_each_state_is_said_plainly(status: IntegrationStatus, set_up: bool, words: str) -> None:
    info = IntegrationInfo(INTEGRATION_ID, "Personio", "Acme GmbH", status, set_up)
    assert words in integration_text(info, private=False)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)


@given(data=JSON | st.fixed_dictionaries({"id": JSON, "tool": JSON, "status": JSON}))
def test_no_answer_makes_reading_it_crash(data: object) -> None:
    info = integration_from_answer(data, lambda text: text.strip()[:50])
    if info is not None:
        assert info.integration_id and info.tool
        integration_text(info, private=False)


def test_another_organisation_than_the_one_started_from_is_pointed_out() -> None:
    warning = mismatch_text(INFO, private=False, started_for="Globex SA")
    assert warning == (
        "Check the id: in Kombo this Personio connection belongs to Acme GmbH, not to "
        "Globex SA, the customer you started from."
    )
    private = mismatch_text(INFO, private=True, started_for="Globex SA")
    assert private is not None and private.startswith("Check the id")
    assert "Acme" not in private and "Globex" not in private


@pytest.mark.parametrize("started_for", ["Acme GmbH", "ACME gmbh", " Acme-GmbH ", None, ""])
def test_the_same_organisation_written_differently_is_not_pointed_out(
    started_for: str | None,
) -> None:
    assert mismatch_text(INFO, private=False, started_for=started_for) is None


@given(name=st.text(max_size=40))
def test_an_organisation_is_itself_whatever_spaces_and_full_stops_surround_it(name: str) -> None:
    assert same_organization(name, f"  {name}. ")
    assert same_organization(name, name.casefold())
