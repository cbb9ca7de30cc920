"""The tool catalog: the bundled list, lookups, search, refreshes and the per-profile cache."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import pytest

from kombo_desktop.core.catalog import (
    MAX_TOOLS_PER_CATEGORY,
    CatalogCache,
    Tool,
    ToolCatalog,
    ToolListOwner,
    name_rank,
    names_exactly,
    parse_tools_tsv,
    tools_from_api,
)
from kombo_desktop.core.resources import resource_path
from kombo_desktop.core.vocabulary import Category
from tests.support.locked_files import full_disk


def _bundled_rows() -> list[dict[str, str]]:
    """The bundled table read with the standard library, independently of the parser."""
    with resource_path("tools.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture
def catalog() -> ToolCatalog:
    return ToolCatalog.bundled()


def ids(tools: list[Tool]) -> list[str]:
    return [tool.id for tool in tools]


# --- the bundled list ------------------------------------------------------------------------


def test_all_203_bundled_tools_are_loaded_with_names_and_categories(catalog: ToolCatalog) -> None:
    rows = _bundled_rows()
    assert len(rows) == 203
    assert len(catalog) == 203
    for row in rows:
        tool = catalog.get(row["tool_id"])
        assert tool is not None, row["tool_id"]
        assert tool.label == row["label"]
        assert {c.value for c in tool.categories} == set(row["categories"].split(","))


def test_every_seed_enum_id_is_present(catalog: ToolCatalog) -> None:
    seed_ids = [row["tool_id"] for row in _bundled_rows() if row["in_seed_enum"] == "yes"]
    assert len(seed_ids) == 93
    missing = [tool_id for tool_id in seed_ids if tool_id not in catalog]
    assert missing == []


def test_bundled_catalog_is_read_once_and_shared() -> None:
    assert ToolCatalog.bundled() is ToolCatalog.bundled()


def test_lookup_by_id(catalog: ToolCatalog) -> None:
    personio = catalog.get("personio")
    assert personio == Tool("personio", "Personio", (Category.HRIS, Category.ATS))
    assert catalog.get("Personio") is None
    assert catalog.get("notatool") is None
    assert catalog.label_for("successfactors") == "SAP SuccessFactors"
    assert catalog.label_for("notatool") == "notatool"


def test_membership_and_iteration(catalog: ToolCatalog) -> None:
    assert "workday" in catalog
    assert "notatool" not in catalog
    assert catalog.get("workday") in catalog
    assert Tool("workday", "Another name", (Category.HRIS,)) not in catalog
    assert 42 not in catalog
    assert len(list(catalog)) == len(catalog)
    assert all(isinstance(tool, Tool) for tool in catalog)


# --- categories ----------------------------------------------------------------------------


def test_tools_serving_several_categories_appear_in_each(catalog: ToolCatalog) -> None:
    assert catalog.belongs("personio", Category.HRIS)
    assert catalog.belongs("personio", Category.ATS)
    assert not catalog.belongs("personio", Category.ASSESSMENT)
    assert not catalog.belongs("notatool", Category.HRIS)
    assert "personio" in ids(catalog.in_category(Category.HRIS))
    assert "personio" in ids(catalog.in_category(Category.ATS))
    for category in (Category.HRIS, Category.ATS, Category.ASSESSMENT):
        assert catalog.belongs("workday", category)


def test_learning_systems_are_the_eight_listed(catalog: ToolCatalog) -> None:
    lms = catalog.in_category(Category.LMS)
    assert sorted(ids(lms)) == sorted(
        [
            "360learning",
            "coursera",
            "docebo",
            "linkedinlearning",
            "moodle",
            "sandbox",
            "talentlms",
            "udemy",
        ]
    )
    sandbox = catalog.get("sandbox")
    assert sandbox is not None
    assert sandbox.categories == (Category.HRIS, Category.ATS, Category.LMS)


def test_category_sizes_match_the_table(catalog: ToolCatalog) -> None:
    rows = _bundled_rows()
    for category in Category:
        expected = sum(category.value in row["categories"].split(",") for row in rows)
        assert len(catalog.in_category(category)) == expected
    assert len(catalog.in_category(Category.ASSESSMENT)) == 6


def test_category_lists_are_alphabetical_ignoring_case(catalog: ToolCatalog) -> None:
    for category in Category:
        labels = [tool.label for tool in catalog.in_category(category)]
        assert labels == sorted(labels, key=str.casefold)
    lms = [tool.label for tool in catalog.in_category(Category.LMS)]
    # "360Learning" before "Coursera" and lower-case names not pushed to the end.
    assert lms[0] == "360Learning"
    hris = [tool.label for tool in catalog.in_category(Category.HRIS)]
    assert hris.index("a3innuva Nómina") < hris.index("Abacus")


# --- search --------------------------------------------------------------------------------


def test_search_ignores_case(catalog: ToolCatalog) -> None:
    assert ids(catalog.search("PERSONIO")) == ["personio"]
    assert ids(catalog.search("personio")) == ["personio"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eurecia", "eurecia"),
        ("EURÉCIA", "eurecia"),
        ("avionte", "avionte"),
        ("nomina", "a3innuvanomina"),
        ("bamboo hr", "bamboohr"),
        ("sap success", "successfactors"),
        ("  successfactors ", "successfactors"),
    ],
)
def test_search_ignores_accents_and_spacing(catalog: ToolCatalog, text: str, expected: str) -> None:
    assert expected in ids(catalog.search(text))


def test_search_matches_ids_too(catalog: ToolCatalog) -> None:
    # "SAP SuccessFactors" is found by its id even though the name starts differently.
    assert ids(catalog.search("successfactors"))[0] == "successfactors"
    assert "adpworkforcenow" in ids(catalog.search("adpworkforce"))


def test_search_puts_names_starting_with_the_text_first(catalog: ToolCatalog) -> None:
    results = catalog.search("work")
    labels = [tool.label for tool in results]
    starts = [label for label in labels if label.casefold().startswith("work")]
    assert starts
    assert labels[: len(starts)] == sorted(starts, key=str.casefold)
    # Names that merely contain the word follow.
    assert "ADP Workforce Now" in labels[len(starts) :]
    assert labels.index("Workday") < labels.index("ADP Workforce Now")


def test_search_ranks_starts_then_word_starts_then_inner_matches(catalog: ToolCatalog) -> None:
    labels = [tool.label for tool in catalog.search("recruit")]
    assert labels == [
        # the name starts with the text
        "Recruit CRM",
        "RecruiterFlow",
        # the id or a later word of the name starts with it ("recruitee" is Tellent Recruitee)
        "Digital Recruiters",
        "Oracle Recruiting Cloud",
        "Spark Hire Recruit",
        "Tellent Recruitee",
        "Zoho Recruit",
        "Zvoove Recruit",
        # somewhere inside
        "eRecruiter",
        "Heyrecruit",
        "InRecruiting by Zucchetti",
        "SmartRecruiters",
    ]


def test_search_puts_a_name_starting_with_the_text_before_an_id_starting_with_it(
    catalog: ToolCatalog,
) -> None:
    # Someone typing "sap" means SAP SuccessFactors; Kallidus (Sapling) is the tool "sapling".
    assert [tool.label for tool in catalog.search("sap")] == [
        "SAP SuccessFactors",
        "Kallidus (Sapling)",
    ]


def test_search_within_a_category(catalog: ToolCatalog) -> None:
    assert ids(catalog.search("personio", Category.ATS)) == ["personio"]
    assert catalog.search("personio", Category.LMS) == []
    assert ids(catalog.search("sandbox", Category.LMS)) == ["sandbox"]
    assert all(Category.LMS in tool.categories for tool in catalog.search("l", Category.LMS))


def test_empty_search_lists_everything_alphabetically(catalog: ToolCatalog) -> None:
    assert catalog.search("", Category.LMS) == catalog.in_category(Category.LMS)
    assert len(catalog.search("   ")) == 203


def test_search_without_a_match_is_empty(catalog: ToolCatalog) -> None:
    assert catalog.search("zzzz-no-such-tool") == []


def test_rank_is_the_order_search_gives(catalog: ToolCatalog) -> None:
    # The tool field's suggestions are ordered by ``rank``; ``search`` is the same order.
    for text in ("recruit", "work", "hr", "Bamboo HR", "é", "-"):
        found = catalog.search(text)
        ranks = [catalog.rank(tool.id, text) for tool in found]
        assert None not in ranks
        assert ranks == sorted(rank for rank in ranks if rank is not None), text  # all of them
        missing = [tool for tool in catalog if tool not in found]
        assert all(catalog.rank(tool.id, text) is None for tool in missing), text


def test_rank_of_names_and_ids_the_catalog_does_not_know(catalog: ToolCatalog) -> None:
    assert catalog.rank("newtool", "new") == 0  # ranked by its id
    assert catalog.rank("newtool", "tool") == 2
    assert catalog.rank("newtool", "zzz") is None
    assert name_rank("The customer chooses", "the cus") == 0
    assert name_rank("The customer chooses", "Customer") == 1
    assert name_rank("The customer chooses", "tomer") == 2
    assert name_rank("The customer chooses", "customerch") == 2  # typed without the space
    assert name_rank("The customer chooses", "workday") is None


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        # The id typed with a space: "SuccessFactors" was taken, "Success Factors" was said
        # to be no tool name, though names are matched without spaces.
        ("Success Factors", Category.HRIS, "successfactors"),
        ("success-factors", None, "successfactors"),
        ("SUCCESSFACTORS", Category.ATS, "successfactors"),
        ("bamboo hr", Category.HRIS, "bamboohr"),
        ("Eurécia", None, "eurecia"),
    ],
)
def test_named_ignores_spaces_and_signs_in_ids_as_in_names(
    catalog: ToolCatalog, text: str, category: Category | None, expected: str
) -> None:
    tool = catalog.named(text, category)
    assert tool is not None and tool.id == expected
    assert catalog.is_called(expected, text)


def test_only_a_whole_name_or_id_is_a_tool_named(catalog: ToolCatalog) -> None:
    assert catalog.named("bamboo") is None  # part of a name: a suggestion, not the tool
    assert not catalog.is_called("bamboohr", "bamboo")
    assert names_exactly("The customer chooses", "the customer  chooses")
    assert not names_exactly("The customer chooses", "customer")


def test_search_puts_the_tool_called_so_before_others_starting_so(catalog: ToolCatalog) -> None:
    # "talentsoft" is CEGID TalentSoft FrontOffice's id, but the suggestions put CEGID
    # TalentSoft Customer (alphabetically first) at the top, where Enter takes it.
    assert ids(catalog.search("talentsoft", Category.ATS)) == [
        "talentsoft",
        "talentsoftcustomer",
    ]
    assert ids(catalog.search("Greenhouse", Category.ATS))[0] == "greenhouse"


@pytest.mark.parametrize(
    ("typed", "category", "first"),
    [
        ("grenhouse", Category.ATS, "greenhouse"),
        ("persnio", Category.HRIS, "personio"),
        ("Personio HR", Category.HRIS, "personio"),
        ("hibbob", Category.HRIS, "hibob"),
        ("sucessfactors", Category.HRIS, "successfactors"),
        ("teamtial", Category.ATS, "teamtailor"),  # the start of a longer name
    ],
)
def test_closest_finds_what_a_slip_of_the_keyboard_meant(
    catalog: ToolCatalog, typed: str, category: Category, first: str
) -> None:
    assert catalog.search(typed, category) == []  # what the search list finds nothing for
    closest = catalog.closest(typed, category)
    assert ids(closest)[0] == first
    assert all(category in tool.categories for tool in closest)


@pytest.mark.parametrize("typed", ["notatool", "zzzz", "xyz", "abc", "workforce management"])
def test_closest_guesses_nothing_from_little_or_unlike_text(
    catalog: ToolCatalog, typed: str
) -> None:
    assert catalog.closest(typed) == []


# --- refreshing from the API ---------------------------------------------------------------


def test_refreshed_list_replaces_the_category(catalog: ToolCatalog) -> None:
    refreshed = catalog.with_category_tools(
        Category.LMS,
        [
            Tool("moodle", "Moodle Workplace", (Category.LMS,)),
            Tool("brandnewlms", "Brand New LMS", (Category.LMS,)),
        ],
    )
    assert ids(refreshed.in_category(Category.LMS)) == ["brandnewlms", "moodle"]
    assert refreshed.label_for("moodle") == "Moodle Workplace"
    assert refreshed.belongs("brandnewlms", Category.LMS)
    # Tools that were dropped stay known by name but belong to the category no more.
    assert refreshed.label_for("docebo") == "Docebo"
    assert not refreshed.belongs("docebo", Category.LMS)
    # Other categories of the same tool are untouched.
    sandbox = refreshed.get("sandbox")
    assert sandbox is not None
    assert sandbox.categories == (Category.HRIS, Category.ATS)
    assert ids(refreshed.in_category(Category.HRIS)) == ids(catalog.in_category(Category.HRIS))
    assert len(refreshed) == 204


def test_refresh_adds_the_category_to_a_known_tool(catalog: ToolCatalog) -> None:
    refreshed = catalog.with_category_tools(
        Category.ASSESSMENT, [Tool("personio", "Personio", (Category.ASSESSMENT,))]
    )
    personio = refreshed.get("personio")
    assert personio is not None
    assert personio.categories == (Category.HRIS, Category.ATS, Category.ASSESSMENT)
    assert ids(refreshed.in_category(Category.ASSESSMENT)) == ["personio"]


def test_refresh_leaves_the_original_untouched(catalog: ToolCatalog) -> None:
    catalog.with_category_tools(Category.HRIS, [])
    assert len(catalog.in_category(Category.HRIS)) == 97
    assert ToolCatalog.bundled().belongs("personio", Category.HRIS)


def test_an_empty_refresh_empties_the_category(catalog: ToolCatalog) -> None:
    refreshed = catalog.with_category_tools(Category.ATS, [])
    assert refreshed.in_category(Category.ATS) == []
    assert refreshed.belongs("personio", Category.HRIS)
    assert len(refreshed) == len(catalog)


def test_the_lists_of_several_categories_are_merged_in_one_copy(catalog: ToolCatalog) -> None:
    refreshed = catalog.with_lists(
        {
            Category.HRIS: [
                Tool("personio", "Personio HR", (Category.HRIS,)),
                Tool("brandnewhr", "", (Category.HRIS,)),  # a name only the next list gives
            ],
            Category.ATS: [
                Tool("brandnewhr", "Brand New HR", (Category.ATS,)),
                Tool("workday", "", (Category.ATS,)),  # no name: the known one stays
            ],
        }
    )
    assert ids(refreshed.in_category(Category.HRIS)) == ["brandnewhr", "personio"]
    assert ids(refreshed.in_category(Category.ATS)) == ["brandnewhr", "workday"]
    assert refreshed.get("personio") == Tool("personio", "Personio HR", (Category.HRIS,))
    assert refreshed.get("brandnewhr") == Tool(
        "brandnewhr", "Brand New HR", (Category.HRIS, Category.ATS)
    )
    # Categories with no list keep their members.
    assert refreshed.get("workday") == Tool(
        "workday", "Workday", (Category.ATS, Category.ASSESSMENT)
    )
    assert ids(refreshed.in_category(Category.LMS)) == ids(catalog.in_category(Category.LMS))
    assert refreshed.search("brand new") == [refreshed.get("brandnewhr")]
    assert len(refreshed) == len(catalog) + 1
    # The same as one category's list after the other's.
    one_by_one = catalog.with_category_tools(
        Category.HRIS,
        [Tool("personio", "Personio HR", (Category.HRIS,)), Tool("brandnewhr", "", ())],
    ).with_category_tools(
        Category.ATS,
        [Tool("brandnewhr", "Brand New HR", ()), Tool("workday", "", ())],
    )
    assert list(refreshed) == list(one_by_one)


# --- reading Kombo's answer ----------------------------------------------------------------


def test_tools_from_api_reads_ids_and_labels() -> None:
    items = [
        {
            "id": "personio",
            "label": "Personio",
            "assets": {"logo_url": "https://x/logo.png", "icon_url": None},
            "connection_guide_url": "https://x/guide",
        },
        {"id": "hibob", "label": "  HiBob \n"},
    ]
    assert tools_from_api(Category.HRIS, items) == [
        Tool("personio", "Personio", (Category.HRIS,)),
        Tool("hibob", "HiBob", (Category.HRIS,)),
    ]


def test_tools_from_api_skips_what_it_cannot_use() -> None:
    items: list[object] = [
        "personio",
        None,
        42,
        {},
        {"label": "No id"},
        {"id": None, "label": "Null id"},
        {"id": 7, "label": "Number id"},
        {"id": "", "label": "Empty id"},
        {"id": "has space", "label": "Odd id"},
        {"id": "../etc", "label": "Odd id"},
        {"id": "lever"},
        {"id": "lever", "label": "Second Lever"},
        {"id": " ashby ", "label": ["not", "text"]},
        {"id": "teamtailor", "label": "Team\x00tailor"},
        {"id": "greenhouse", "label": "x" * 500},
    ]
    tools = tools_from_api(Category.ATS, items)
    assert ids(tools) == ["lever", "ashby", "teamtailor", "greenhouse"]
    assert tools[0].label == ""  # no label: the catalog keeps the name it knows
    assert tools[1].label == ""
    assert tools[2].label == "Team tailor"
    assert len(tools[3].label) == 200


def test_a_tool_kombo_lists_without_a_name_keeps_the_name_known() -> None:
    # With {"id": "bamboohr"} the list showed "bamboohr", also in the history's tool names.
    known = ToolCatalog.bundled()
    fresh = tools_from_api(Category.HRIS, [{"id": "bamboohr"}, {"id": "newtool", "label": None}])
    merged = known.with_category_tools(Category.HRIS, fresh)
    assert merged.label_for("bamboohr") == known.label_for("bamboohr") == "BambooHR"
    assert merged.label_for("newtool") == "newtool"  # no name anywhere: the id stands in


@pytest.mark.parametrize("items", [None, {}, "tools", 3, {"tools": []}])
def test_tools_from_api_with_no_list_gives_nothing(items: object) -> None:
    assert tools_from_api(Category.HRIS, items) == []


def test_parse_tools_tsv_skips_broken_rows() -> None:
    text = (
        "tool_id\tlabel\tcategories\tcategory_source\tlabel_source\tin_seed_enum\n"
        "good\tGood Tool\tHRIS,ATS\tdocumented\tdocumented\tyes\n"
        "\tNo Id\tHRIS\tx\tx\tno\n"
        "nocat\tNo Category\tCRM\tx\tx\tno\n"
        "short\n"
        "bad id\tBad\tHRIS\tx\tx\tno\n"
        "nolabel\t\tlms\tx\tx\tno\n"
    )
    assert parse_tools_tsv(text) == [
        Tool("good", "Good Tool", (Category.HRIS, Category.ATS)),
        Tool("nolabel", "nolabel", (Category.LMS,)),
    ]


# --- cache ---------------------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path) -> CatalogCache:
    return CatalogCache(tmp_path / "cache" / "catalog")


TOOLS = [
    Tool("personio", "Personio", (Category.HRIS,)),
    Tool("brandnewhr", "Brand New HR – Ünïcode", (Category.HRIS,)),
]
EU = "https://api.kombo.dev/v1"


def owner(profile: str) -> ToolListOwner:
    return ToolListOwner(profile, EU, "env_1")


DEFAULT = owner("default")


def test_cache_round_trip(cache: CatalogCache) -> None:
    assert cache.load(DEFAULT, Category.HRIS) is None
    cache.save(DEFAULT, Category.HRIS, TOOLS)
    assert cache.load(DEFAULT, Category.HRIS) == TOOLS
    # Other categories and profiles are separate.
    assert cache.load(DEFAULT, Category.ATS) is None
    assert cache.load(owner("other"), Category.HRIS) is None


def test_a_cached_list_longer_than_any_accounts_is_cut(cache: CatalogCache) -> None:
    # An earlier version kept up to 2,000 tools per category, which stopped the window for
    # about a second as they were shown: such a file is cut as a list from Kombo is.
    many = [Tool(f"tool{i}", f"Tool {i}", (Category.HRIS,)) for i in range(2000)]
    cache.save(DEFAULT, Category.HRIS, many)
    assert cache.load(DEFAULT, Category.HRIS) == many[:MAX_TOOLS_PER_CATEGORY]


def test_cached_list_refreshes_the_catalog(cache: CatalogCache) -> None:
    cache.save(DEFAULT, Category.HRIS, TOOLS)
    loaded = cache.load(DEFAULT, Category.HRIS)
    assert loaded is not None
    refreshed = ToolCatalog.bundled().with_category_tools(Category.HRIS, loaded)
    assert ids(refreshed.in_category(Category.HRIS)) == ["brandnewhr", "personio"]


def test_an_empty_list_is_cached_as_empty_not_missing(cache: CatalogCache) -> None:
    cache.save(DEFAULT, Category.LMS, [])
    assert cache.load(DEFAULT, Category.LMS) == []


def test_saving_again_replaces(cache: CatalogCache) -> None:
    cache.save(DEFAULT, Category.HRIS, TOOLS)
    cache.save(DEFAULT, Category.HRIS, TOOLS[:1])
    assert cache.load(DEFAULT, Category.HRIS) == TOOLS[:1]
    assert [p.name for p in cache.cache_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_a_list_the_disk_refuses_at_the_last_moment_keeps_the_older_list(
    cache: CatalogCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full disk often takes the file and refuses its content only when it is pushed to the
    # disk: the cache then held an empty or cut-off list instead of the older one.
    cache.save(DEFAULT, Category.HRIS, TOOLS)
    full_disk(monkeypatch)
    cache.save(DEFAULT, Category.HRIS, TOOLS[:1])
    monkeypatch.undo()
    assert cache.load(DEFAULT, Category.HRIS) == TOOLS
    assert [p.name for p in cache.cache_dir.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b"null",
        b'{"version": 1}',
        b'{"version": 99, "category": "HRIS", "tools": []}',
        b'{"version": 2, "category": "HRIS", "tools": [], "api_base": null}',
        b'{"version": 2, "category": "ATS", "tools": [], "api_base": "https://api.kombo.dev/v1",'
        b' "environment_id": "env_1"}',
        b'{"version": 2, "category": "HRIS", "tools": {"id": "x"},'
        b' "api_base": "https://api.kombo.dev/v1", "environment_id": "env_1"}',
    ],
)
def test_damaged_cache_reads_as_nothing_cached(cache: CatalogCache, content: bytes) -> None:
    path = cache.path_for("default", Category.HRIS)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert cache.load(DEFAULT, Category.HRIS) is None


def test_bad_entries_in_a_cached_list_are_skipped(cache: CatalogCache) -> None:
    path = cache.path_for("default", Category.HRIS)
    path.parent.mkdir(parents=True)
    document = {
        "version": 2,
        "api_base": EU,
        "environment_id": "env_1",
        "category": "HRIS",
        "tools": [{"id": "personio", "label": "Personio"}, {"label": "no id"}, 5],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    assert cache.load(DEFAULT, Category.HRIS) == [TOOLS[0]]


def test_unreadable_cache_reads_as_nothing_cached(cache: CatalogCache) -> None:
    cache.path_for("default", Category.HRIS).mkdir(parents=True)  # a folder where a file goes
    assert cache.load(DEFAULT, Category.HRIS) is None


def test_failed_save_is_logged_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    cache = CatalogCache(blocker / "catalog")
    with caplog.at_level(logging.WARNING, logger="kombo_desktop.core.catalog"):
        cache.save(DEFAULT, Category.HRIS, TOOLS)
    assert "Could not save the tool list cache" in caplog.text
    assert cache.load(DEFAULT, Category.HRIS) is None


@pytest.mark.parametrize(
    "profile", ["default", "../../etc/passwd", "Acme / EU", "C:\\temp", "Ünal's test", "", "." * 3]
)
def test_profile_names_become_safe_file_names(cache: CatalogCache, profile: str) -> None:
    path = cache.path_for(profile, Category.ATS)
    assert path.parent == cache.cache_dir
    assert path.name.endswith("-ats.json")
    assert all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in path.name)
    cache.save(owner(profile), Category.HRIS, TOOLS)
    assert cache.load(owner(profile), Category.HRIS) == TOOLS
    assert [p.parent for p in cache.cache_dir.rglob("*.json")] == [cache.cache_dir]


def test_similar_profile_names_do_not_share_a_file(cache: CatalogCache) -> None:
    names = ["a/b", "a_b", "a b", "A_B", "a" * 60, "a" * 61]
    assert len({cache.path_for(name, Category.HRIS) for name in names}) == len(names)
    cache.save(owner("a/b"), Category.HRIS, TOOLS)
    cache.save(owner("a_b"), Category.HRIS, TOOLS[:1])
    assert cache.load(owner("a/b"), Category.HRIS) == TOOLS
    assert cache.load(owner("a_b"), Category.HRIS) == TOOLS[:1]


def test_forget_removes_only_that_profile(cache: CatalogCache) -> None:
    for category in (Category.HRIS, Category.ATS):
        cache.save(owner("old"), category, TOOLS)
    cache.save(owner("kept"), Category.HRIS, TOOLS)
    cache.forget("old")
    cache.forget("never-saved")
    assert cache.load(owner("old"), Category.HRIS) is None
    assert cache.load(owner("old"), Category.ATS) is None
    assert cache.load(owner("kept"), Category.HRIS) == TOOLS


@pytest.mark.parametrize(
    "now",
    [
        ToolListOwner("default", "https://api.us.kombo.dev/v1", "env_1"),  # another region
        ToolListOwner("default", EU, "env_2"),  # another environment's key
        ToolListOwner("default", EU, None),  # a key no check has told about yet
    ],
)
def test_another_accounts_list_reads_as_nothing_cached(
    cache: CatalogCache, now: ToolListOwner
) -> None:
    # The same profile name is not the same account: its lists were offered for a profile
    # switched to the United States while its own could not be fetched.
    cache.save(DEFAULT, Category.HRIS, TOOLS)
    assert cache.load(now, Category.HRIS) is None
    cache.save(now, Category.HRIS, TOOLS[:1])
    assert cache.load(now, Category.HRIS) == TOOLS[:1]


def test_a_list_cached_before_accounts_were_kept_reads_as_nothing_cached(
    cache: CatalogCache,
) -> None:
    path = cache.path_for("default", Category.HRIS)
    path.parent.mkdir(parents=True)
    document = {"version": 1, "profile": "default", "category": "HRIS", "tools": []}
    path.write_text(json.dumps(document), encoding="utf-8")
    assert cache.load(DEFAULT, Category.HRIS) is None
    cache.save(DEFAULT, Category.HRIS, TOOLS)  # replaced by the next save
    assert cache.load(DEFAULT, Category.HRIS) == TOOLS


def test_rename_moves_the_lists_to_the_new_name(cache: CatalogCache) -> None:
    for category in (Category.HRIS, Category.ATS):
        cache.save(DEFAULT, category, TOOLS)
    cache.save(owner("EU team"), Category.LMS, TOOLS)  # left from an earlier "EU team"
    cache.rename("default", "EU team")
    assert cache.load(DEFAULT, Category.HRIS) is None
    assert cache.load(owner("EU team"), Category.HRIS) == TOOLS
    assert ids(cache.load(owner("EU team"), Category.ATS) or []) == ids(TOOLS)
    assert cache.load(owner("EU team"), Category.LMS) is None
    assert len(list(cache.cache_dir.iterdir())) == 2
    cache.rename("never-saved", "other")  # nothing to move: nothing happens
    assert len(list(cache.cache_dir.iterdir())) == 2
