"""Raw OCI-P exchanges converted to `bw-extract/1`: the notes' example enterprise, captured as the
exchanges an operator would save (tests/broadworks/ocip/acme, written here with fictional data;
some tables with their columns in another order than documented), becomes exactly the notes'
§3.2 extract; unsafe XML, error answers, unread request types, a missing answer and a second
enterprise are refused with the file and command named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tukku.broadworks.extract import parse_extract
from tukku.broadworks.inputs import load_config
from tukku.broadworks.ocip import ConversionError, convert_folder
from tukku.broadworks.plan import build_plan

HERE = Path(__file__).parent
ACME = HERE / "ocip" / "acme"
HEAD = (
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    '<BroadsoftDocument protocol="OCI" xmlns="C" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '  <sessionId xmlns="">s</sessionId>\n'
)


def exchange(folder: Path, name: str, request: str, response: str) -> None:
    (folder / f"{name}.request.xml").write_text(f"{HEAD}{request}</BroadsoftDocument>\n")
    (folder / f"{name}.response.xml").write_text(f"{HEAD}{response}</BroadsoftDocument>\n")


def command(kind: str, body: str = "") -> str:
    return f'  <command xsi:type="{kind}" xmlns="">{body}</command>\n'


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    """A copy of the example's exchanges, to add to."""
    folder = tmp_path / "acme"
    shutil.copytree(ACME, folder)
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(ConversionError) as refused:
        convert_folder(folder)
    return refused.value.problems


def test_the_notes_example_exchanges_become_the_notes_example_extract() -> None:
    expected = json.loads((HERE / "fixtures" / "acme.json").read_text())

    converted = convert_folder(ACME)

    assert converted["source"]["release"] == expected["source"]["release"]
    assert converted["serviceProvider"] == expected["serviceProvider"]
    assert [g["groupId"] for g in converted["groups"]] == ["acme_hq", "acme_br"]
    for got, want in zip(converted["groups"], expected["groups"], strict=True):
        assert got == want, got["groupId"]
    assert {k: v for k, v in converted.items() if k != "source"} == {
        k: v for k, v in expected.items() if k != "source"
    }


def test_a_document_with_entities_is_refused_before_it_is_read(acme: Path) -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        "<BroadsoftDocument><command>&lol2;</command></BroadsoftDocument>\n"
    )
    (acme / "06-laughs.request.xml").write_text(laughs)
    (acme / "06-laughs.response.xml").write_text(laughs)

    problems = problems_of(acme)

    assert len(problems) == 1
    assert problems[0].startswith("06-laughs.request.xml: refused unsafe XML")


def test_an_external_entity_is_refused_and_never_fetched(acme: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-read")
    external = (
        f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>\n'
        "<BroadsoftDocument><command>&s;</command></BroadsoftDocument>\n"
    )
    (acme / "06-external.request.xml").write_text(external)
    (acme / "06-external.response.xml").write_text(external)

    problems = problems_of(acme)

    assert problems == [
        "06-external.request.xml: refused unsafe XML (DTDForbidden): no DTD, entity or external "
        "reference"
    ]
    assert "do-not-read" not in "\n".join(problems)


def test_an_external_dtd_is_refused_and_never_fetched(acme: Path) -> None:
    exchange(
        acme, "06-dtd", command("UserGetRequest23V2", "<userId>alice@acme.example</userId>"), ""
    )
    (acme / "06-dtd.response.xml").write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE BroadsoftDocument SYSTEM "http://oci.invalid/OCISchema.dtd">\n'
        "<BroadsoftDocument><command/></BroadsoftDocument>\n"
    )

    assert problems_of(acme) == [
        "06-dtd.response.xml: refused unsafe XML (DTDForbidden): no DTD, entity or external "
        "reference"
    ]


def test_a_parameter_entity_is_refused(acme: Path) -> None:
    hostile = (
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://oci.invalid/x">'
        "%remote;]>\n<BroadsoftDocument/>\n"
    )
    (acme / "06-pe.request.xml").write_text(hostile)
    (acme / "06-pe.response.xml").write_text(hostile)

    problems = problems_of(acme)

    assert problems == [
        "06-pe.request.xml: refused unsafe XML (DTDForbidden): no DTD, entity or external reference"
    ]


def test_an_error_answer_an_unread_request_and_a_missing_answer_are_each_named(
    acme: Path,
) -> None:
    exchange(
        acme,
        "06-more",
        command("UserGetRequest23V2", "<userId>ghost@acme.example</userId>")
        + command("GroupAutoAttendantGetInstanceRequest24", "<serviceUserId>aa@x</serviceUserId>"),
        command(
            "c:ErrorResponse",
            "<summary>[Error 4008] User not found: ghost@acme.example</summary>"
            "<summaryEnglish>[Error 4008] User not found: ghost@acme.example</summaryEnglish>",
        )
        + command("GroupAutoAttendantGetInstanceResponse24", "<serviceInstanceProfile/>"),
    )
    (acme / "07-lost.request.xml").write_text(
        f"{HEAD}{command('UserGetRequest23V2', '<userId>x@y</userId>')}</BroadsoftDocument>\n"
    )

    problems = problems_of(acme)

    assert problems == [
        "06-more.response.xml#command[1]: the server answered an error: [Error 4008] User not "
        "found: ghost@acme.example",
        "07-lost.request.xml: no 07-lost.response.xml beside it",
    ]


def test_an_exchange_of_a_type_not_read_is_reported(acme: Path) -> None:
    exchange(
        acme,
        "06-pickup",
        command("GroupCallPickupGetInstanceRequest", "<name>Lab</name>"),
        command("GroupCallPickupGetInstanceResponse", "<userTable/>"),
    )

    assert problems_of(acme) == [
        "06-pickup.response.xml#command[1]: GroupCallPickupGetInstanceRequest is not read"
    ]


def test_a_versioned_request_of_a_family_not_read_is_reported(acme: Path) -> None:
    exchange(
        acme,
        "06-hg",
        command("GroupHuntGroupGetInstanceRequest17sp1", "<serviceUserId>hg@x</serviceUserId>"),
        command("GroupHuntGroupGetInstanceResponse17sp1", "<serviceInstanceProfile/>"),
    )

    assert problems_of(acme) == [
        "06-hg.response.xml#command[1]: GroupHuntGroupGetInstanceRequest17sp1 is not read"
    ]


@pytest.fixture
def with_features(acme: Path) -> Path:
    """The example's exchanges plus call centers at HQ and an auto attendant in Boston."""
    for path in (HERE / "ocip" / "features").iterdir():
        shutil.copy(path, acme / path.name)
    return acme


def test_call_centers_and_their_agents_are_read_by_column_heading(with_features: Path) -> None:
    hq, boston = convert_folder(with_features)["groups"]

    assert hq["callCenters"] == [
        {
            "serviceUserId": "cc-billing@acme.example",
            "serviceInstanceProfile": {
                "name": "Billing",
                "callingLineIdLastName": "Billing",
                "callingLineIdFirstName": "Acme",
                "extension": "150",
            },
            "type": "Standard",
            "policy": "Weighted",
            "routingType": "Skill Based",
            "queueLength": 300,
            "agents": [
                {"userId": "alice@acme.example", "weight": 60, "skillLevel": 3},
                {"userId": "carol@acme.example", "weight": 40},
            ],
        },
        {
            "serviceUserId": "cc-recall@acme.example",
            "serviceInstanceProfile": {"name": "Recall Desk", "extension": "151"},
            "type": "Basic",
            "policy": "Circular",
            "queueLength": 10,
            "agents": [],
        },
    ]
    assert "callCenters" not in boston


def test_an_auto_attendant_is_read_with_its_menus(with_features: Path) -> None:
    hq, boston = convert_folder(with_features)["groups"]

    assert boston["autoAttendants"] == [
        {
            "serviceUserId": "aa-boston@acme.example",
            "serviceInstanceProfile": {"name": "Boston Reception", "extension": "250"},
            "type": "Standard",
            "businessHoursMenu": {
                "keyConfiguration": [
                    {
                        "key": "0",
                        "entry": {
                            "description": "Front desk",
                            "action": "Transfer Without Prompt",
                            "phoneNumber": "6175550120",
                        },
                    },
                    {
                        "key": "2",
                        "entry": {"action": "Transfer To Submenu", "submenuId": "Billing"},
                    },
                ]
            },
            "afterHoursMenu": {
                "keyConfiguration": [{"key": "#", "entry": {"action": "Repeat Menu"}}]
            },
        }
    ]
    assert "autoAttendants" not in hq


def test_the_features_make_a_valid_extract_that_plans_them(with_features: Path) -> None:
    extract = parse_extract(json.dumps(convert_folder(with_features)))
    plan = build_plan(extract, load_config(HERE / "fixtures" / "acme.toml"))

    assert [o.id for o in plan.operations if o.kind == "callQueue"] == [
        "callQueue/cc-billing@acme.example",
        "callQueue/cc-recall@acme.example",
    ]
    assert ("not_moved", "auto attendant aa-boston@acme.example") in {
        (f.category, f.subject) for f in plan.findings
    }


def test_a_trunk_user_is_read_as_a_user_without_a_phone(acme: Path) -> None:
    exchange(
        acme,
        "06-trunk",
        command("UserGetRequest23V2", "<userId>pbx@acme.example</userId>"),
        command(
            "UserGetResponse23V2",
            "<groupId>acme_br</groupId><lastName>PBX</lastName><firstName>Lobby</firstName>"
            "<extension>299</extension><countryCode>1</countryCode>"
            "<trunkAddressing><trunkGroupDeviceEndpoint><name>tg-boston</name>"
            "<linePort>pbx@acme.example</linePort></trunkGroupDeviceEndpoint></trunkAddressing>",
        ),
    )

    boston = convert_folder(acme)["groups"][1]

    pbx = next(u for u in boston["users"] if u["userId"] == "pbx@acme.example")
    assert pbx["accessDeviceEndpoint"] is None
    assert pbx["extension"] == "299"


def test_a_second_enterprise_is_refused(acme: Path) -> None:
    exchange(
        acme,
        "06-other",
        command(
            "GroupGetRequest22V5",
            "<serviceProviderId>other</serviceProviderId><groupId>g</groupId>",
        ),
        command("GroupGetResponse22V5", "<groupName>Other</groupName><timeZone>UTC</timeZone>"),
    )

    problems = problems_of(acme)

    assert len(problems) == 1
    assert problems[0].endswith("one enterprise per extract; these exchanges name acme_ent, other")


def test_more_answers_than_requests_is_refused(acme: Path) -> None:
    exchange(
        acme,
        "06-odd",
        command("UserGetRequest23V2", "<userId>alice@acme.example</userId>"),
        command("UserGetResponse23V2") + command("UserGetResponse23V2"),
    )

    assert problems_of(acme) == ["06-odd.response.xml: 2 commands answer 1 requests"]


def test_a_document_in_latin_2_is_read_in_its_declared_encoding(acme: Path) -> None:
    request = command("UserGetRequest23V2", "<userId>alice@acme.example</userId>")
    response = command(
        "UserGetResponse23V2",
        "<groupId>acme_hq</groupId><lastName>Łukasiewicz</lastName><firstName>Alice</firstName>"
        "<countryCode>1</countryCode>",
    )
    head = HEAD.replace("ISO-8859-1", "ISO-8859-2")
    (acme / "06-latin2.request.xml").write_bytes(
        f"{head}{request}</BroadsoftDocument>\n".encode("iso-8859-2")
    )
    (acme / "06-latin2.response.xml").write_bytes(
        f"{head}{response}</BroadsoftDocument>\n".encode("iso-8859-2")
    )

    hq = convert_folder(acme)["groups"][0]

    alice = next(u for u in hq["users"] if u["userId"] == "alice@acme.example")
    assert alice["lastName"] == "Łukasiewicz"  # the later answer about her is kept


def test_a_folder_without_exchanges_says_what_it_expects(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == [f"{tmp_path}: no *.request.xml file (see docs/migration.md)"]
