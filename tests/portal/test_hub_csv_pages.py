"""Users by CSV file in the customer portal: the export of the organization's users (read back
with the csv module), and the import that is checked first (validate-only: what each row would
do, nothing changed) and then applied row by row (a refused row leaves nothing behind, the
others are kept); restricted mode removes importing, never exporting."""

from __future__ import annotations

import csv
import html
import io

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Partner
from tests.portal.pages import csrf_of, sign_in
from tests.portal.test_hub_pages import Org, new_org, package_of, set_restricted, user_names
from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service as identity


@pytest.fixture
def org(app_client: TestClient, partner: Partner, db: Database, clock: ManualClock) -> Org:
    return new_org(app_client, partner, db, clock, 1)


@pytest.fixture
def admin(app_client: TestClient, org: Org) -> TestClient:
    assert sign_in(app_client, org.admin_email).status_code == 303
    return app_client


def exported(client: TestClient) -> list[dict[str, str]]:
    response = client.get("/hub/users/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


def upload(client: TestClient, text: str) -> httpx.Response:
    token = csrf_of(client.get("/hub/users"))
    return client.post(
        "/hub/users/import",
        data={"csrf": token, "go": "check"},
        files={"file": ("users.csv", text.encode(), "text/csv")},
    )


def apply(client: TestClient, checked: httpx.Response) -> httpx.Response:
    """Press the preview's Apply button: its form carries the checked file."""
    form = checked.text.split('action="/hub/users/import"', 1)[1].split("</form>", 1)[0]
    content = form.split('name="content" value="', 1)[1].split('"', 1)[0]
    return client.post(
        "/hub/users/import",
        data={"csrf": csrf_of(checked), "go": "apply", "content": html.unescape(content)},
    )


def test_the_export_lists_the_organizations_users_spreadsheet_safe(
    admin: TestClient,
    app_client: TestClient,
    partner: Partner,
    db: Database,
    clock: ManualClock,
    org: Org,
) -> None:
    other = new_org(app_client, partner, db, clock, 2)
    with db.unit_of_work() as session:
        identity.create_user(
            session,
            org_id=org.org_id,
            email="eve@pizza.test",
            first_name="=HYPERLINK()",
            last_name="Sly",
            now=clock.now(),
        )

    rows = exported(admin)  # restricted mode is on: exporting stays allowed

    by_email = {r["Email"]: r for r in rows}
    assert set(by_email) == set(user_names(db, org.org_id))
    assert other.user_email not in by_email
    assert by_email[org.user_email]["Package"] == "webex_calling"
    assert by_email[org.user_email]["User ID"] == org.user_id
    assert by_email["eve@pizza.test"]["First Name"] == "'=HYPERLINK()"


def test_a_file_is_checked_first_changing_nothing_then_applied_row_by_row(
    admin: TestClient, partner: Partner, db: Database, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    text = (
        "First Name,Last Name,Email,Package,Extension,User ID\n"
        "Ada,New,ada@pizza.test,,,\n"
        "Bo,Seat,bo@pizza.test,webex_calling,4321,\n"
        f"Cy,Taken,{org.user_email},,,\n"
        "Di,Broken,not-an-address,,,\n"
        f"Renamed,Person,{org.user_email},,,{org.user_id}\n"
        "Hi,Jacker,x@pizza.test,,,NO-SUCH-USER\n"
    )
    before = user_names(db, org.org_id)

    checked = upload(admin, text)

    assert checked.status_code == 200
    assert "3 of 6 rows can be applied; 3 cannot" in checked.text
    assert checked.text.count("Will be added") == 2
    assert checked.text.count("Will be changed") == 1
    assert "already in use" in checked.text
    assert user_names(db, org.org_id) == before  # validate-only

    applied = apply(admin, checked)

    assert "3 of 6 rows applied; 3 not applied" in applied.text
    names = user_names(db, org.org_id)
    assert names["ada@pizza.test"] == ("Ada", "New")
    assert names[org.user_email] == ("Renamed", "Person")
    assert "not-an-address" not in names
    assert "x@pizza.test" not in names
    assert package_of(admin, partner, "bo@pizza.test") == ["webex_calling"]


def test_an_exported_file_imports_back_without_changes(
    admin: TestClient, partner: Partner, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)
    text = admin.get("/hub/users/export.csv").text

    checked = upload(admin, text)

    assert "Will be" not in checked.text
    assert checked.text.count("No change") == len(exported(admin))


def test_a_file_without_the_required_columns_is_refused_next_to_the_field(
    admin: TestClient, partner: Partner, org: Org
) -> None:
    set_restricted(admin, partner, org.id, False)

    refused = upload(admin, "Name,Mail\nAda,ada@pizza.test\n")

    assert refused.status_code == 400
    assert 'id="file-error"' in refused.text
    assert "the header lacks First Name, Last Name, Email" in refused.text


def test_restricted_mode_removes_importing_and_refuses_a_forged_upload(
    admin: TestClient, db: Database, org: Org
) -> None:
    before = user_names(db, org.org_id)

    users = admin.get("/hub/users")
    form = admin.get("/hub/users/import")
    forged = upload(admin, "First Name,Last Name,Email\nAda,New,ada@pizza.test\n")

    assert "/hub/users/import" not in users.text
    assert "/hub/users/export.csv" in users.text
    assert form.status_code == forged.status_code == 403
    assert user_names(db, org.org_id) == before
