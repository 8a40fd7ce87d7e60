"""The sidecar's API end to end, in-process over real loopback HTTP, on generated photos."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from photo_score.scoring import default_config
from photo_score.user_config import config_path, save_active
from photo_score.xmp import read_sidecar
from tests.desktop.conftest import Running, job_finished, read_events, score_folder
from tests.factories.photos import make_camera_jpeg
from tests.factories.ratings import rate_by, soft_and_sharp_shoot

ATTRS = (
    "composition",
    "subject_strength",
    "visual_appeal",
    "sharpness",
    "exposure_balance",
    "noise_level",
)


def only(attribute: str) -> str:
    """A config YAML where one attribute alone decides the score."""
    aesthetic = attribute in ATTRS[:3]
    group = "aesthetic" if aesthetic else "technical"
    weights = "\n".join(
        f"    {a}: {1.0 if a == attribute else 0.0}"
        for a in (ATTRS[:3] if aesthetic else ATTRS[3:])
    )
    return (
        f"version: 1\nname: only-{attribute}\nweights:\n  {group}:\n{weights}\n"
        f"category_weights:\n  aesthetic: {1.0 if aesthetic else 0.0}\n"
        f"  technical: {0.0 if aesthetic else 1.0}\npenalties: []\n"
    )


def test_sidecar_json_is_private_and_removed_on_stop(sidecar: Running) -> None:
    info_file = sidecar.home / "sidecar.json"
    data = __import__("json").loads(info_file.read_text())
    assert data == {
        "url": sidecar.url,
        "port": sidecar.server.port,
        "token": sidecar.token,
        "pid": os.getpid(),
    }
    assert stat.S_IMODE(info_file.stat().st_mode) == 0o600
    sidecar.server.stop()
    assert not info_file.exists()


def test_score_a_folder_and_browse_it(sidecar: Running, shoot: Path) -> None:
    client = sidecar.client
    final = score_folder(sidecar, shoot)
    assert final["state"] == "done"
    assert (final["total"], final["done"], final["failed"]) == (7, 7, 0)
    assert final["analyzed"] == 7

    # Jobs outlive the stream: a reloaded page asks for them.
    jobs = client.get("/api/jobs").json()
    assert [j["id"] for j in jobs] == [final["id"]]
    assert jobs[0]["state"] == "done"

    folders = client.get("/api/libraries").json()
    assert [(f["path"], f["photo_count"], f["scored_count"]) for f in folders] == [
        (str(shoot.resolve()), 7, 7)
    ]

    page = client.get("/api/photos", params={"sort": "score"}).json()
    assert page["total"] == 7
    scores = [p["final_score"] for p in page["items"]]
    assert scores == sorted(scores, reverse=True)
    assert [p["rank"] for p in page["items"]] == [1, 2, 3, 4, 5, 6, 7]
    worst_first = client.get("/api/photos", params={"sort": "score", "order": "asc"}).json()
    assert [p["image_id"] for p in worst_first["items"]] == [
        p["image_id"] for p in reversed(page["items"])
    ]

    second = client.get("/api/photos", params={"offset": 2, "limit": 2}).json()
    assert (second["total"], second["offset"], second["limit"]) == (7, 2, 2)
    assert [p["image_id"] for p in second["items"]] == [p["image_id"] for p in page["items"][2:4]]

    by_name = client.get("/api/photos", params={"sort": "name"}).json()
    names = [p["name"] for p in by_name["items"]]
    assert names == sorted(names, key=str.casefold)
    found = client.get("/api/photos", params={"q": "dark"}).json()
    assert [p["name"] for p in found["items"]] == ["IMG_0101_dark.jpg"]

    best = page["items"][0]
    detail = client.get(f"/api/photos/{best['image_id']}").json()
    assert detail["summary"]["image_id"] == best["image_id"]
    assert detail["photo"]["final_score"] == best["final_score"]
    assert detail["breakdown"]["final_score"] == best["final_score"]
    assert set(detail["breakdown"]["contributions"]) == set(ATTRS)
    assert detail["explanation"]["text"]
    assert detail["metadata"]["camera_model"] == "Canon EOS R6"
    assert detail["results"][0]["analyzer"] == "local"

    thumb = client.get(f"/api/photos/{best['image_id']}/thumbnail")
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert thumb.content[:3] == b"\xff\xd8\xff"

    portrait = next(p for p in page["items"] if p["name"] == "IMG_0200_portrait.jpg")
    preview = client.get(f"/api/photos/{portrait['image_id']}/preview")
    assert preview.status_code == 200
    assert preview.content[:3] == b"\xff\xd8\xff"
    cached = sidecar.home / "previews" / portrait["image_id"][:2] / f"{portrait['image_id']}.jpg"
    with Image.open(cached) as img:
        assert img.size == (640, 960)  # orientation 6 applied: displayed upright

    dashboard = client.get("/api/dashboard").json()
    assert dashboard["stats"]["scored"] == 7
    assert sum(b["count"] for b in dashboard["stats"]["histogram"]) == 7
    assert sum(dashboard["stats"]["tier_counts"].values()) == 7
    assert dashboard["jobs"] == []


def test_config_edit_reorders_and_preview_does_not_save(sidecar: Running, shoot: Path) -> None:
    client = sidecar.client
    score_folder(sidecar, shoot)
    orders = {}
    for attribute in ("exposure_balance", "sharpness"):
        saved = client.put("/api/config", json={"yaml": only(attribute)})
        assert saved.status_code == 200, saved.text
        assert saved.json()["name"] == f"only-{attribute}"
        items = client.get("/api/photos", params={"limit": 10}).json()["items"]
        values = [p["attributes"][attribute] for p in items]
        assert values == sorted(values, reverse=True)
        orders[attribute] = [p["image_id"] for p in items]
    assert orders["exposure_balance"] != orders["sharpness"]

    draft = client.post(
        "/api/config/preview", json={"yaml": only("exposure_balance"), "query": {"limit": 10}}
    ).json()
    assert [p["image_id"] for p in draft["page"]["items"]] == orders["exposure_balance"]
    assert client.get("/api/config").json()["name"] == "only-sharpness"  # not saved

    reset = client.delete("/api/config").json()
    assert (reset["name"], reset["source"]) == ("default", "default")
    assert "properties" in reset["schema"]


def test_invalid_config_is_a_422_naming_the_key(sidecar: Running) -> None:
    bad = "version: 1\nname: x\nweights:\n  aesthetic:\n    composition: -1\n"
    response = sidecar.client.put("/api/config", json={"yaml": bad})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_config"
    assert "weights.aesthetic.composition" in error["message"]
    assert sidecar.client.get("/api/config").json()["source"] == "default"


def test_a_config_made_active_from_the_command_line_takes_effect_at_once(
    sidecar: Running,
) -> None:
    """``photo-score config use`` while the app runs: the app ranks (and its live XMP
    marks) with the new config at once; a broken hand edit is not taken."""
    client = sidecar.client
    assert client.get("/api/config").json()["source"] == "default"
    save_active(
        sidecar.home, "name: from-cli\ntiers: [{name: Keep, min: 0}]\nxmp: {Keep: {rating: 5}}\n"
    )
    active = client.get("/api/config").json()
    assert (active["name"], active["source"]) == ("from-cli", "file")
    assert client.get("/api/dashboard").json()["stats"]["tier_counts"] == {"Keep": 0}
    config_path(sidecar.home).write_text("name: broken\nweights: {aesthetic: {composition: -1}}\n")
    assert client.get("/api/config").json()["name"] == "from-cli"
    config_path(sidecar.home).unlink()  # `photo-score config reset`
    assert client.get("/api/config").json()["source"] == "default"


def test_filters(sidecar: Running, shoot: Path) -> None:
    client = sidecar.client
    score_folder(sidecar, shoot)
    items = client.get("/api/photos").json()["items"]
    scores = sorted(p["final_score"] for p in items)
    cutoff = scores[3]
    high = client.get("/api/photos", params={"min_score": cutoff}).json()
    assert high["total"] == sum(s >= cutoff for s in scores) < len(scores)
    assert all(p["final_score"] >= cutoff for p in high["items"])
    tier = items[0]["tier"]
    same_tier = client.get("/api/photos", params={"tier": [tier]}).json()
    assert {p["tier"] for p in same_tier["items"]} == {tier}
    sharp = client.get("/api/photos", params={"attr": ["sharpness:0.5:"]}).json()
    assert all(p["attributes"]["sharpness"] >= 0.5 for p in sharp["items"])
    assert client.get("/api/photos", params={"unscored": True}).json()["total"] == 0
    assert client.get("/api/photos", params={"camera": ["Canon EOS R6"]}).json()["total"] >= 4
    assert client.get("/api/photos", params={"date_from": "2030-01-01"}).json()["total"] == 0
    assert client.get("/api/photos", params={"date_to": "2023-02-21"}).json()["total"] >= 4
    bad = client.get("/api/photos", params={"attr": ["nope:1:2"]})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_request"


def test_write_ratings_to_xmp_sidecars(sidecar: Running, shoot: Path) -> None:
    client = sidecar.client
    score_folder(sidecar, shoot)
    photos = client.get("/api/photos", params={"sort": "score"}).json()["items"]
    folder_id = photos[0]["folder_id"]
    dry = client.post("/api/xmp", json={"folder_id": folder_id, "dry_run": True}).json()
    assert (dry["created"], dry["failed"], dry["dry_run"]) == (7, 0, True)
    assert not list(shoot.glob("*.xmp"))

    done = client.post("/api/xmp", json={}).json()
    assert (done["created"], done["updated"], done["failed"], done["kept"]) == (7, 0, 0, 0)
    marks = default_config().xmp
    for p in photos:
        mark = marks[p["tier"]]
        assert read_sidecar(Path(p["path"]).with_suffix(".xmp")) == (mark.rating, mark.label)

    # A config where every photo is Flawed: each sidecar follows the active config.
    flawed = (
        "version: 1\nname: harsh\ntiers:\n  - {name: Top, min: 100}\n  - {name: Flawed, min: 0}\n"
    )
    flawed += "xmp:\n  Top: {rating: 5}\n  Flawed: {rating: -1, label: Red}\n"
    assert client.put("/api/config", json={"yaml": flawed}).status_code == 200
    again = client.post("/api/xmp", json={"naming": "adobe"}).json()
    assert (again["updated"], again["unchanged"]) == (7, 0)
    assert {read_sidecar(Path(p["path"]).with_suffix(".xmp")) for p in photos} == {(-1, "Red")}

    darktable = client.post("/api/xmp", json={"naming": "darktable", "dry_run": True}).json()
    assert darktable["created"] == 7
    missing = client.post("/api/xmp", json={"folder_id": 999})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    bad = client.post("/api/xmp", json={"naming": "lightroom"})
    assert bad.status_code == 422


def test_writing_sidecars_reports_progress_as_events(sidecar: Running, shoot: Path) -> None:
    """While POST /api/xmp writes, ``xmp`` events count the files, ending at all of them."""
    score_folder(sidecar, shoot)  # leaves a finished job: the stream's first event
    events: list[dict[str, Any]] = []
    connected = threading.Event()

    def last_file(event: dict[str, Any]) -> bool:
        connected.set()
        return event["event"] == "xmp" and event["done"] == event["total"]

    reader = threading.Thread(
        target=lambda: events.extend(read_events(sidecar, until=last_file)), daemon=True
    )
    reader.start()
    assert connected.wait(30)
    written = sidecar.client.post("/api/xmp", json={}).json()
    reader.join(30)
    progress = [(e["done"], e["total"]) for e in events if e["event"] == "xmp"]
    assert progress[-1] == (7, 7) == (written["created"], written["created"])
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert progress[0][0] >= 1


def test_jobs_and_libraries_errors(sidecar: Running, tmp_path: Path) -> None:
    client = sidecar.client
    empty = client.post("/api/jobs", json={})
    assert empty.status_code == 400
    assert "add a folder" in empty.json()["error"]["message"]
    missing = client.post("/api/libraries", json={"path": str(tmp_path / "nope")})
    assert missing.status_code == 404
    assert client.get("/api/jobs/job-404").json()["error"]["code"] == "not_found"
    assert client.delete("/api/libraries/99").status_code == 404
    folder = tmp_path / "f"
    folder.mkdir()
    added = client.post("/api/libraries", json={"path": str(folder)}).json()
    remote = client.post("/api/jobs", json={"analyzer": "openrouter"})
    assert remote.status_code == 503
    assert remote.json()["error"]["code"] == "analyzer_unavailable"
    assert client.delete(f"/api/libraries/{added['id']}").status_code == 204
    assert client.get("/api/libraries").json() == []


def test_cancel_a_job(sidecar: Running, shoot: Path) -> None:
    client = sidecar.client
    client.post("/api/libraries", json={"path": str(shoot)})
    job = client.post("/api/jobs", json={"folder": str(shoot)}).json()
    cancelled = client.post(f"/api/jobs/{job['id']}/cancel").json()
    assert cancelled["id"] == job["id"]
    events = read_events(sidecar, until=job_finished(job["id"]))
    assert events[-1]["job"]["state"] in ("cancelled", "done")  # it may have finished first


def test_settings_never_return_the_key(sidecar: Running) -> None:
    client = sidecar.client
    assert client.get("/api/settings").json()["openrouter_key_set"] is False
    secret = "sk-or-v1-" + "x" * 40
    saved = client.put("/api/settings/openrouter-key", json={"key": secret})
    assert saved.json()["openrouter_key_set"] is True
    assert saved.json()["source"] == "file"
    assert secret not in saved.text
    assert secret not in client.get("/api/settings").text
    secrets_file = sidecar.home / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    cleared = client.delete("/api/settings/openrouter-key").json()
    assert cleared["openrouter_key_set"] is False


def test_account_is_unavailable_offline(sidecar: Running) -> None:
    assert sidecar.client.get("/api/account").json()["available"] is False


def test_ui_fallback_page_without_a_build(sidecar: Running) -> None:
    page = sidecar.client.get("/some/client/route")
    assert page.status_code == 200
    assert "npm run build" in page.text
    unknown = sidecar.client.get("/api/nope")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


def test_learn_from_my_ratings_reports_and_saves_nothing(sidecar: Running, tmp_path: Path) -> None:
    client = sidecar.client
    folder = soft_and_sharp_shoot(tmp_path / "rated")
    score_folder(sidecar, folder)
    none = client.post("/api/config/taste", json={})
    assert none.status_code == 400
    assert "has a star rating of yours" in none.json()["error"]["message"]

    photos = client.get("/api/photos", params={"limit": 100}).json()["items"]
    rate_by(photos, "sharpness")
    report = client.post("/api/config/taste", json={"folder_id": photos[0]["folder_id"]}).json()
    assert (report["rated"], report["sources"]) == (24, {"sidecar": 24})
    assert report["share"]["sharpness"]["after"] > report["share"]["sharpness"]["before"]
    assert report["improves"] is True
    assert report["config"]["name"] == "default-taste"
    assert client.get("/api/config").json()["source"] == "default"  # nothing saved
    assert client.post("/api/config/taste", json={"folder_id": 999}).status_code == 404


def _live_pass(client: httpx.Client) -> dict[str, Any]:
    """Wait (at most 60 s) until live XMP has no pass running or pending; its state."""
    deadline = time.monotonic() + 60
    while True:
        state: dict[str, Any] = client.get("/api/xmp/auto").json()
        if not state["busy"] or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


def test_live_xmp_follows_scoring_jobs_and_config_changes(
    sidecar: Running, shoot: Path, tmp_path: Path
) -> None:
    client = sidecar.client
    assert client.get("/api/xmp/auto").json()["enabled"] is False
    score_folder(sidecar, shoot)
    assert not list(shoot.glob("*.xmp"))  # off by default: photo folders are left alone

    on = client.put("/api/xmp/auto", json={"enabled": True, "naming": "darktable"})
    assert on.status_code == 200
    state = _live_pass(client)
    assert (state["enabled"], state["naming"], state["error"]) == (True, "darktable", None)
    assert state["last"]["created"] == 7
    marks = default_config().xmp
    for p in client.get("/api/photos").json()["items"]:
        mark = marks[p["tier"]]
        assert read_sidecar(f"{p['path']}.xmp") == (mark.rating, mark.label)
    assert json.loads((sidecar.home / "xmp.json").read_text()) == {
        "enabled": True,
        "naming": "darktable",
    }

    # A saved config re-marks every sidecar; a finished job marks the new photos.
    harsh = "version: 1\nname: harsh\ntiers: [{name: Top, min: 100}, {name: Flawed, min: 0}]\n"
    harsh += "xmp: {Top: {rating: 5}, Flawed: {rating: -1, label: Red}}\n"
    assert client.put("/api/config", json={"yaml": harsh}).status_code == 200
    assert _live_pass(client)["last"]["updated"] == 7
    make_camera_jpeg(shoot / "IMG_0300_new.jpg", size=(960, 640), seed=30)
    job = client.post("/api/jobs", json={"analyzer": "local"}).json()
    read_events(sidecar, until=job_finished(job["id"]))
    after_job = _live_pass(client)["last"]
    assert (after_job["created"], after_job["unchanged"]) == (1, 7)
    assert {read_sidecar(f"{p}.xmp") for p in shoot.glob("*.jpg")} == {(-1, "Red")}

    # Off: a config change leaves the sidecars as they are.
    assert client.put("/api/xmp/auto", json={"enabled": False}).json()["enabled"] is False
    assert client.delete("/api/config").status_code == 200
    assert _live_pass(client)["last"] == after_job  # no pass since
    assert {read_sidecar(f"{p}.xmp") for p in shoot.glob("*.jpg")} == {(-1, "Red")}


def test_rate_a_photo_in_the_app(sidecar: Running, shoot: Path) -> None:
    client = sidecar.client
    score_folder(sidecar, shoot)
    best = client.get("/api/photos", params={"sort": "score"}).json()["items"][0]
    assert client.get(f"/api/photos/{best['image_id']}").json()["your_rating"] is None
    mark = default_config().xmp[best["tier"]]
    rated = client.put(f"/api/photos/{best['image_id']}/rating", json={"rating": mark.rating})
    assert rated.status_code == 200
    sidecar_file = Path(best["path"]).with_suffix(".xmp")
    assert rated.json() == {"rating": mark.rating, "sidecar": str(sidecar_file)}
    assert client.get(f"/api/photos/{best['image_id']}").json()["your_rating"] == mark.rating
    # Writing photo-score's marks keeps it, though it equals the mark.
    written = client.post("/api/xmp", json={}).json()
    assert (written["kept"], written["created"]) == (1, 6)
    assert read_sidecar(sidecar_file)[0] == mark.rating
    cleared = client.put(f"/api/photos/{best['image_id']}/rating", json={"rating": 0}).json()
    assert cleared["rating"] is None
    assert client.get(f"/api/photos/{best['image_id']}").json()["your_rating"] is None
    assert (
        client.put(f"/api/photos/{best['image_id']}/rating", json={"rating": 6}).status_code == 422
    )
    assert client.put("/api/photos/" + "0" * 64 + "/rating", json={"rating": 3}).status_code == 404
