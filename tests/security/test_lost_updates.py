"""No lost updates (issue 6, item 7): a stale form or API update overwrites nothing."""
import re
import threading

from sqlalchemy import text

from app.extensions import db


def version_in(html):
    return re.search(r'name="row_version" type="hidden" value="(\d+)"', html).group(1)


def stored(app, company_id):
    with app.app_context():
        return db.session.execute(text("SELECT phone, fax, version FROM company WHERE id = :i"), {"i": company_id}).one()


def test_a_stale_form_is_refused_with_a_dutch_message_and_overwrites_nothing(app, clients, world):
    first, second = clients("advisor"), clients("regional_manager")  # both see the employer's company
    url = f"/companyview/edit/{world.zhn_company}"
    seen_by_first = version_in(first.get(url).get_data(as_text=True))
    seen_by_second = version_in(second.get(url).get_data(as_text=True))
    assert seen_by_first == seen_by_second

    saved = second.post(url, data={"phone": "(071) 222 22 22", "row_version": seen_by_second})
    assert saved.status_code == 302
    stale = first.post(url, data={"phone": "(071) 111 11 11", "fax": "(071) 333 33 33", "row_version": seen_by_first})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 200
    assert "Iemand anders heeft dit gegeven gewijzigd" in html
    assert "regional_manager@demo.fondsportaal.nl" in html  # who, from the audit trail
    assert "Nu opgeslagen: (071) 222 22 22" in html  # what changed
    assert "(071) 111 11 11" in html  # the user's own input is kept to compare
    after = stored(app, world.zhn_company)
    assert after.phone == "(071) 222 22 22" and after.fax != "(071) 333 33 33"

    again = first.post(url, data={"phone": "(071) 111 11 11", "row_version": version_in(html)})
    assert again.status_code == 302
    assert stored(app, world.zhn_company).phone == "(071) 111 11 11"


def test_api_get_gives_an_etag_and_a_stale_if_match_is_412(app, clients, world):
    client = clients("advisor")
    url = f"/api/v1/company/{world.zhn_company}"
    tag = client.api("get", url).headers["ETag"]
    assert client.api("put", url, json={"fax": "(071) 444 44 44"}, headers={"If-Match": tag}).status_code == 200
    stale = client.api("put", url, json={"fax": "(071) 555 55 55"}, headers={"If-Match": tag})
    assert stale.status_code == 412
    assert "gewijzigd sinds u het ophaalde" in stale.json["message"]
    assert stored(app, world.zhn_company).fax == "(071) 444 44 44"
    fresh = client.api("get", url).headers["ETag"]
    assert fresh != tag


def test_version_rises_by_one_per_save(app, clients, world):
    before = stored(app, world.zhn_company).version
    clients("employer").api("put", f"/api/v1/company/{world.zhn_company}", json={"fax": "(071) 666 66 66"})
    assert stored(app, world.zhn_company).version == before + 1


def test_simultaneous_api_updates_never_lose_one_or_fail_with_500(app, clients, world):
    """Two clients × 25 PUTs behind a barrier: every save raises the version by one, the rest are 409/412."""
    users = [clients("advisor"), clients("regional_manager")]
    url = f"/api/v1/company/{world.zhn_company}"
    start_version = stored(app, world.zhn_company).version
    barrier = threading.Barrier(2)
    outcomes = []

    def hammer(client, digit):
        barrier.wait()
        for i in range(25):
            tag = client.api("get", url).headers.get("ETag")
            response = client.api("put", url, json={"fax": f"(071) {digit}{i:02d} 00 00"}, headers={"If-Match": tag})
            outcomes.append(response.status_code)

    threads = [threading.Thread(target=hammer, args=(client, n)) for n, client in enumerate(users, start=1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(outcomes) <= {200, 409, 412}, outcomes
    saves = outcomes.count(200)
    assert stored(app, world.zhn_company).version == start_version + saves
