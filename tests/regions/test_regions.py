"""The region tree."""


def test_the_tree_comes_parents_first_with_codes_and_centres(auth):
    items = auth("admin").get("/api/v1/regions").json["items"]
    assert items[0]["level"] == "county" and items[0]["name"] == "上杭县"
    townships = [r for r in items if r["level"] == "township"]
    villages = [r for r in items if r["level"] == "village"]
    assert len(townships) >= 3 and len(villages) >= 9
    assert all(r["lat"] and r["lon"] for r in items)
    by_id = {r["id"]: r for r in items}
    for village in villages:
        assert by_id[village["parent_id"]]["level"] == "township"


def test_a_village_cannot_hang_under_a_village_nor_a_township_under_a_township(auth, ids):
    admin = auth("admin")
    village = ids["regions"]["城东村"]
    resp = admin.post(
        "/api/v1/regions",
        json={"parent_id": village, "code": "350823100299", "name": "x", "level": "village"},
    )
    assert resp.status_code == 422 and "level" in resp.json["errors"]
    town = ids["regions"]["临城镇"]
    resp = admin.post(
        "/api/v1/regions", json={"parent_id": town, "code": "350823199", "name": "x", "level": "township"}
    )
    assert resp.status_code == 422


def test_a_new_village_is_in_scope_of_its_township_and_not_of_the_neighbour(auth, ids):
    town = ids["regions"]["临城镇"]
    resp = auth("admin").post(
        "/api/v1/regions",
        json={"parent_id": town, "code": "350823100250", "name": "新建村", "level": "village"},
    )
    assert resp.status_code == 201
    new_id = resp.json["id"]
    assert auth("town1").get(f"/api/v1/regions/{new_id}").status_code == 200
    assert auth("town2").get(f"/api/v1/regions/{new_id}").status_code == 404


def test_a_duplicate_code_is_a_conflict(auth, ids):
    resp = auth("admin").post(
        "/api/v1/regions",
        json={
            "parent_id": ids["regions"]["临城镇"],
            "code": "350823100201",
            "name": "重",
            "level": "village",
        },
    )
    assert resp.status_code == 409
