from __future__ import annotations

import yaml
from fastapi import APIRouter

from photo_score.catalog import library_stats, query_photos
from photo_score.errors import ConfigError
from photo_score.ratings import TasteReport, learn_taste
from photo_score.scoring import ScoringConfig, config_json_schema, parse_config
from photo_score.user_config import ActiveConfig
from photo_score_sidecar.deps import SidecarDep
from photo_score_sidecar.schemas import (
    ConfigIn,
    ConfigOut,
    ConfigPreviewIn,
    ConfigPreviewOut,
    TasteIn,
)

router = APIRouter(prefix="/config", tags=["config"])


def _out(active: ActiveConfig) -> ConfigOut:
    return ConfigOut(
        name=active.config.name,
        yaml=active.yaml,
        parsed=active.config.model_dump(mode="json"),
        schema_=config_json_schema(),
        fingerprint=active.config.fingerprint,
        source=active.source,
        path=str(active.path),
    )


def _text(body: ConfigIn) -> str:
    if (body.yaml is None) == (body.config is None):
        raise ConfigError("send exactly one of `yaml` (text) or `config` (a mapping)")
    if body.yaml is not None:
        return body.yaml
    return yaml.safe_dump(body.config, sort_keys=False, allow_unicode=True)


def _draft(body: ConfigIn) -> ScoringConfig:
    return parse_config(_text(body), "config")


@router.get("")
def get_config(sidecar: SidecarDep) -> ConfigOut:
    """The active scoring config: YAML text, the parsed form, and its JSON Schema."""
    return _out(sidecar.active_config)


@router.put("")
def put_config(body: ConfigIn, sidecar: SidecarDep) -> ConfigOut:
    """Validate and save; an invalid config is a 422 naming the key and the rule."""
    return _out(sidecar.save_config(_text(body)))


@router.delete("")
def reset_config(sidecar: SidecarDep) -> ConfigOut:
    """Back to the built-in default config."""
    return _out(sidecar.reset_config())


@router.post("/preview")
def preview_config(body: ConfigPreviewIn, sidecar: SidecarDep) -> ConfigPreviewOut:
    """Rank with a draft config without saving it (live sliders): a page and the stats."""
    draft = _draft(body)
    ranked = sidecar.ranked(draft)
    return ConfigPreviewOut(
        fingerprint=draft.fingerprint,
        page=query_photos(ranked, body.query),
        stats=library_stats(ranked),
    )


@router.post("/taste")
def learn_taste_from_ratings(body: TasteIn, sidecar: SidecarDep) -> TasteReport:
    """Fit the active config's weights to the star ratings you gave (XMP); nothing is
    saved: the UI shows the report and puts the fitted weights on the sliders."""
    ranked = sidecar.ranked()
    rows = ranked.scored_rows(body.folder_id)
    paths = [ranked.catalog.paths[r] for r in rows]
    report, _ = learn_taste(paths, ranked.catalog.values[rows], sidecar.config)
    return report
