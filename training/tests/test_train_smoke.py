"""The whole recipe (three stages, the no-ASKG ablation, export) on a tiny synthetic knowledge base in seconds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from training.train import main as train_main

COLOURS = {"red": (220, 30, 30), "blue": (30, 60, 200), "green": (30, 160, 60), "yellow": (240, 210, 40)}
ENTITIES = [("alpha", "aville", "red", "blue"), ("beta", "bton", "green", "yellow"), ("gamma", "gacity", "blue", "green")]


def write_kb(root: Path) -> None:
    (root / "images").mkdir(parents=True)
    (root / "questions").mkdir()
    items: list[dict[str, object]] = []
    questions: list[dict[str, object]] = []
    for n, (entity, capital, top, bottom) in enumerate(ENTITIES):
        image = Image.new("RGB", (16, 16), COLOURS[top])
        image.paste(COLOURS[bottom], (0, 8, 16, 16))
        image.save(root / "images" / f"flag-{entity}.png")
        items.append({"id": f"flag-{entity}", "entity": entity, "modality": "image", "kind": "flag",
                      "image": f"images/flag-{entity}.png", "caption": f"Flag of {entity.title()}"})
        items.append({"id": f"cap-{entity}", "entity": entity, "modality": "text", "kind": "fact",
                      "text": f"The capital of {entity.title()} is {capital.title()}."})
        others = [f"cap-{e[0]}" for e in ENTITIES if e[0] != entity]
        questions.append({"qid": f"q{n}", "type": "text_fact", "question": f"What is the capital of {entity.title()}?",
                          "answers": [capital], "gold": [f"cap-{entity}"], "negatives": others, "split": "train",
                          "entity": entity})
        questions.append({"qid": f"c{n}", "type": "image_attribute", "question": f"Which colours are on the flag of {entity.title()}?",
                          "answers": [f"{top} and {bottom}"], "gold": [f"flag-{entity}"], "negatives": [], "split": "train",
                          "entity": entity, "image": None})
    questions.append({"qid": "u0", "type": "unanswerable", "question": "What is the capital of Zed?", "answers": [],
                      "gold": [], "negatives": [], "split": "train", "entity": "zed"})
    (root / "knowledge.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    (root / "entities.jsonl").write_text(
        "".join(json.dumps({"entity": e, "name": e.title(), "source": "countries"}) + "\n" for e, *_ in ENTITIES)
    )
    (root / "attributes.jsonl").write_text(
        "".join(json.dumps({"id": f"flag-{e}", "entity": e, "colours": [t, b]}) + "\n" for e, _, t, b in ENTITIES)
    )
    (root / "questions" / "train.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions))


def _recipe_reading_scores(tmp_path: Path) -> Path:
    """The smoke recipe with a generator that reads retrieval scores and trains on retrieved distractors (so stage 2
    runs before stage 3, and the Q-Former stays frozen), with dropout, word-masked questions and questions about
    look-alike entities."""
    config = json.loads(Path("training/configs/smoke.json").read_text())
    config["generator"]["reference_scores"] = True
    config["generator"]["dropout"] = 0.1
    (tmp_path / "smoke-scores.json").write_text(json.dumps(config))
    recipe = json.loads(Path("training/configs/recipe-smoke.json").read_text())
    recipe["model_config"] = str(tmp_path / "smoke-scores.json")
    del recipe["stage3"]["qformer_lr_scale"]
    recipe["stage3"]["retrieved_distractors"] = True
    recipe["stage3"]["question_word_mask"] = 0.2
    recipe["stage3"]["look_alike_unanswerable"] = 4
    recipe["stage3"]["ema_decay"] = 0.9
    (tmp_path / "recipe-scores.json").write_text(json.dumps(recipe))
    return tmp_path / "recipe-scores.json"


@pytest.mark.parametrize("reads_scores", [False, True])
def test_recipe_trains_and_exports_bundles(tmp_path: Path, reads_scores: bool) -> None:
    kb = tmp_path / "kb"
    write_kb(kb)
    work, bundle, ablation = tmp_path / "work", tmp_path / "bundle", tmp_path / "no-askg"
    recipe = _recipe_reading_scores(tmp_path) if reads_scores else Path("training/configs/recipe-smoke.json")
    train_main(["--recipe", str(recipe), "--kb", str(kb), "--work", str(work),
                "--bundle", str(bundle), "--ablation-bundle", str(ablation)])
    rows = [json.loads(line) for line in (work / "log.jsonl").read_text().splitlines()]
    stages = [row["stage"] for row in rows]
    assert set(stages) == {"stage1", "stage2", "stage3", "no_askg"}
    # The fusion module trains before a generator that reads its scores, after one that may change the Q-Former.
    assert (stages.index("stage2") < stages.index("stage3")) == reads_scores
    assert all(row["loss"] == row["loss"] and row["loss"] < 1e4 for row in rows)  # finite
    stage3 = [row["loss"] for row in rows if row["stage"] == "stage3"]
    assert sum(stage3[-5:]) / 5 < sum(stage3[:5]) / 5, "the ASKG generator loss must fall"
    for directory in (bundle, ablation):
        manifest = json.loads((directory / "manifest.json").read_text())
        assert manifest["family"] == "ra-blip"
        assert (directory / "gen_decoder.onnx").exists()
        inputs = [t["name"] for t in manifest["graphs"]["gen_encoder"]["inputs"]]
        assert ("reference_scores" in inputs) == reads_scores
