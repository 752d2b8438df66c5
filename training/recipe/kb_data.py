"""Reads the knowledge base and benchmark questions written by `npm run kb:build` (docs/data.md).

Images are stored at exactly the model's input size, so loading is decode + normalise, the same pixels that sharp
gives the TypeScript runtime.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from training.ra_blip.config import VitConfig


@dataclass(frozen=True)
class KnowledgeItem:
    """One knowledge item: an image with its caption, or a text passage."""

    id: str
    entity: str
    modality: str  # "image" | "text"
    kind: str
    caption: str = ""
    text: str = ""
    image: str | None = None  # path relative to the KB root


@dataclass(frozen=True)
class Question:
    """A benchmark question with its gold knowledge ids and hard negatives (docs/data.md)."""

    qid: str
    type: str
    question: str
    answers: tuple[str, ...]
    gold: tuple[str, ...]
    negatives: tuple[str, ...]
    split: str
    entity: str
    image: str | None = None
    template_id: str = ""
    held_out: bool = False


@dataclass
class KnowledgeBase:
    """Items by id, questions by split, and image-derived attributes (flag colours) by item id."""

    root: Path
    items: dict[str, KnowledgeItem]
    questions: dict[str, list[Question]] = field(default_factory=dict)
    colours: dict[str, tuple[str, ...]] = field(default_factory=dict)
    entity_names: dict[str, str] = field(default_factory=dict)  # entity key → name, from entities.jsonl

    def image_items(self) -> list[KnowledgeItem]:
        return [item for item in self.items.values() if item.modality == "image"]

    @cached_property
    def item_by_image(self) -> dict[str, KnowledgeItem]:
        """Image items by image path: a question image that is one of them links to it at answer time."""
        return {item.image: item for item in self.image_items() if item.image}

    def text_items(self) -> list[KnowledgeItem]:
        return [item for item in self.items.values() if item.modality == "text"]

    def test_entities(self) -> set[str]:
        return {q.entity for q in self.questions.get("test", [])} | {q.entity for q in self.questions.get("dev", [])}


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_knowledge_base(root: Path) -> KnowledgeBase:
    """Loads `knowledge.jsonl`, `attributes.jsonl`, `entities.jsonl` and `questions/{train,dev,test}.jsonl` under
    `root`."""
    if not (root / "knowledge.jsonl").exists():
        raise FileNotFoundError(f"{root}/knowledge.jsonl is missing: run `npm run kb:build` first")
    items: dict[str, KnowledgeItem] = {}
    for row in _read_jsonl(root / "knowledge.jsonl"):
        items[row["id"]] = KnowledgeItem(
            id=row["id"],
            entity=row.get("entity", ""),
            modality=row["modality"],
            kind=row.get("kind", ""),
            caption=row.get("caption") or "",
            text=row.get("text") or "",
            image=row.get("image"),
        )
    kb = KnowledgeBase(root=root, items=items)
    if (root / "attributes.jsonl").exists():
        kb.colours = {row["id"]: tuple(row["colours"]) for row in _read_jsonl(root / "attributes.jsonl")}
    if (root / "entities.jsonl").exists():
        kb.entity_names = {row["entity"]: row["name"] for row in _read_jsonl(root / "entities.jsonl")}
    for split in ("train", "dev", "test"):
        path = root / "questions" / f"{split}.jsonl"
        if path.exists():
            kb.questions[split] = [question_from_row(row) for row in _read_jsonl(path)]
    return kb


def question_from_row(row: dict[str, Any]) -> Question:
    return Question(
        qid=str(row["qid"]),
        type=row["type"],
        question=row["question"],
        answers=tuple(row.get("answers", [])),
        gold=tuple(row.get("gold", [])),
        negatives=tuple(row.get("negatives", [])),
        split=row.get("split", ""),
        entity=row.get("entity", ""),
        image=row.get("image"),
        template_id=str(row.get("template_id", "")),
        held_out=bool(row.get("held_out", False)),
    )


def load_pixels(path: Path, vit: VitConfig) -> torch.Tensor:
    """PNG at the model size -> `[3, size, size]` float32, normalised with the manifest mean/std."""
    with Image.open(path) as image:
        rgb = image.convert("RGBA")
        background = Image.new("RGBA", rgb.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(background, rgb).convert("RGB")
        if flat.size != (vit.image_size, vit.image_size):
            raise ValueError(f"{path} is {flat.size}, the model takes {vit.image_size}x{vit.image_size}")
        array = np.asarray(flat, dtype=np.float32) / 255.0  # [size, size, 3]
    mean = np.asarray(vit.mean, dtype=np.float32)
    std = np.asarray(vit.std, dtype=np.float32)
    return torch.from_numpy(((array - mean) / std).transpose(2, 0, 1).copy())


def item_text(item: KnowledgeItem) -> str:
    """What the text branch reads for an item: the passage, or the caption of an image."""
    return item.text if item.modality == "text" else item.caption
