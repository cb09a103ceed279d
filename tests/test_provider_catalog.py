"""Adding a vendor is one module plus one registry row: the image and video catalogs hold exactly the models
the adapter classes named by the provider table declare, and nothing else."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from reelforge.providers import pricing, registry
from reelforge.providers.image import catalog as image_catalog
from reelforge.providers.image.spec import ModelSpec
from reelforge.providers.registry import ProviderRow, declared_models, load_class
from reelforge.providers.video import catalog as video_catalog

SRC = Path(__file__).resolve().parents[1] / "src" / "reelforge" / "providers"


class AcmeImages:
    """A vendor that exists only in this test: its row below is the only place that names it."""

    vendor = "acme"
    key_env = "ACME_KEY"
    models = (ModelSpec("image-acme-text", "acme", "text", "acme/v1", None, None, None, "1k", "1k", False, 0.5,
                        ("1:1",)),)


class Impostor:
    vendor = "acme"
    models = (dataclasses.replace(AcmeImages.models[0], vendor="openai"),)


ACME = ProviderRow("image", "acme", f"{__name__}:AcmeImages", key_env="ACME_KEY", price_key="image-models")


@pytest.mark.parametrize("capability,catalog", [("image", image_catalog), ("video", video_catalog)])
def test_catalog_is_exactly_what_the_registered_classes_declare(capability: str, catalog: object) -> None:
    from_modules: dict[str, object] = {}
    for r in registry.rows(capability):
        if r.cls:
            for model in getattr(load_class(r), "models", ()):
                assert model.vendor == r.id, f"{r.cls} declares {model.key} for {model.vendor}"
                from_modules[model.key] = model
    assert from_modules == catalog.MODELS  # type: ignore[attr-defined]
    assert {m.vendor for m in from_modules.values()} == {r.id for r in registry.rows(capability) if r.cls}


@pytest.mark.parametrize("path", ["image/catalog.py", "video/catalog.py", "registry.py", "pricing.py"])
def test_no_model_is_written_outside_its_vendor_module(path: str) -> None:
    tree = ast.parse((SRC / path).read_text())
    built = [n.func.id for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("ModelSpec", "VideoModel")]
    assert built == [], f"{path} builds {built}: models belong to the vendor's adapter module"


def test_fal_flux_key_and_price_come_from_its_module() -> None:
    from reelforge.providers.image.fal_flux import FalFlux

    spec = image_catalog.model_spec("image-flux-dev-text")
    assert spec is FalFlux.models[0] and spec.vendor == "fal"
    assert pricing.image_price("image-flux-dev-text") == FalFlux.models[0].usd_per_image == 0.035


def test_a_new_row_brings_its_modules_models(monkeypatch: pytest.MonkeyPatch) -> None:
    table = (*registry.ROWS, ACME)
    keys = {m.key for m in declared_models("image", table)}
    assert "image-acme-text" in keys and "image-acme-text" not in image_catalog.MODELS
    assert keys - {"image-acme-text"} == set(image_catalog.MODELS)
    monkeypatch.setattr(registry, "ROWS", table)
    assert {r.id for r in registry.rows("image")} >= {"acme", "fal"}
    assert "ACME_KEY" in registry.key_envs()


def test_a_class_cannot_declare_another_vendors_model_or_a_key_twice() -> None:
    impostor = ProviderRow("image", "acme", f"{__name__}:Impostor")
    with pytest.raises(ValueError, match="not 'acme'"):
        declared_models("image", (impostor,))
    with pytest.raises(ValueError, match="declared twice"):
        declared_models("image", (ACME, dataclasses.replace(ACME, id="acme", cls=f"{__name__}:AcmeImages")))
