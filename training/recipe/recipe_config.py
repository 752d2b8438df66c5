"""Typed, frozen configuration of the training recipe (`training/configs/recipe-*.json`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from .precision import check_precision


@dataclass(frozen=True)
class StagePrecision:
    """The precision field every stage has, checked on construction: "bf16" runs the forward passes under CPU
    autocast, "auto" does so only where this CPU runs bf16 faster (recipe/precision.py). Keyword-only, so that it
    follows each stage's own fields."""

    precision: str = field(default="fp32", kw_only=True)

    def __post_init__(self) -> None:
        check_precision(self.precision, type(self).__name__)


@dataclass(frozen=True)
class Stage1Config(StagePrecision):
    """Image-text pre-training (BLIP-2 stage 1): contrastive, matching and captioning losses."""

    steps: int
    batch_size: int
    lr: float
    itc_temperature: float = 0.07
    itc_dim: int = 128


@dataclass(frozen=True)
class Stage2Config(StagePrecision):
    """Retrieval pre-training of the fusion module: question <-> knowledge InfoNCE with hard negatives."""

    steps: int
    batch_size: int
    lr: float
    max_questions: int  # train questions whose text states are cached (the rest are not used)
    hard_negatives: int = 2
    temperature: float = 0.05


@dataclass(frozen=True)
class Stage3Config(StagePrecision):
    """ASKG generator training over shuffled, noisy references."""

    steps: int
    batch_size: int
    lr: float
    max_references: int
    p_abstain: float = 0.15  # drop every gold reference: the target is `relevant: none`
    p_selection: float = 0.15  # relevance-selection task (no answer in the target)
    # The service hands the generator its top `retrieved_references` hits: gold plus look-alikes, so most examples
    # fill that many slots with hard negatives. Some add random extras, up to max_references (injected noise).
    retrieved_references: int = 4
    p_extra_distractors: float = 0.4
    pretrained_lr_scale: float = 0.1  # learning-rate factor of the generator's MiniLM text layers
    # None keeps the Q-Former frozen; a factor trains its query path (queries, cross-attention, query FFN) at
    # lr * factor on the ASKG data. train.py then runs stage 2 after stage 3, so the fusion module reads the final
    # query outputs.
    qformer_lr_scale: float | None = None
    # torch.compile the training forward (TorchInductor; dynamic shapes, as every batch pads to its own length). The
    # exported model is the uncompiled module.
    compile: bool = False
    # A question image that is a stored image item is linked at answer time, and its caption then leads the question
    # (`linked_question`). Some examples keep the bare question: a user's own photo links to nothing.
    p_linked_question: float = 0.8
    askg: bool = True  # False: the no-ASKG ablation (gold references only, no selection, no abstain)
    # Look-alikes from the trained fusion module's own top hits (what the service retrieves), instead of the
    # builder's hard negatives. train.py then trains stage 2 first (and refuses a qformer_lr_scale).
    retrieved_distractors: bool = False
    # Word dropout on the generator's question: each question word that occurs in none of the example's references
    # (nor its answer) becomes [MASK] at this rate, so the relation is read from every word of the wording rather
    # than one template word; the words the answer is found by are never masked. Retrieval, scores and the Q-Former's
    # instructions read the question unmasked. 0: off. In a full run it masked what image-attribute questions ask
    # for ("colours" is in no caption) and cost them 10 points (docs/model-card.md).
    question_word_mask: float = 0.0
    # Unanswerable questions added to the training pool: train questions asked about an invented look-alike of their
    # entity ("Perovar"), whose retrieval returns the real entity's facts (look_alike_entities.py). 0: off.
    look_alike_unanswerable: int = 0
    # Train image questions sent without their picture, as unanswerable ("Whose flag is this?" with nothing to look
    # at), and answerable train questions sent with a picture they do not ask about (a train unknown image), so the
    # wording, not the presence of a picture, decides whether it matters (question_pictures.py). 0: off.
    picture_left_off_unanswerable: int = 0
    incidental_pictures: int = 0
    # Exponential moving average of the trained weights, exported instead of the last iterate (optim.WeightAverage).
    # None: the last iterate. The demo recipe sets 0.995 because its committed bundle was chosen that way; two paired
    # runs measured no gain outside the seed spread (docs/model-card.md).
    ema_decay: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.ema_decay is not None and not 0.0 < self.ema_decay < 1.0:
            raise ValueError(f"Stage3Config.ema_decay must be in (0, 1) or null, got {self.ema_decay}")


@dataclass(frozen=True)
class RecipeConfig:
    seed: int
    model_config: str
    threads: int
    stage1: Stage1Config
    stage2: Stage2Config
    stage3: Stage3Config
    ablation_stage3: Stage3Config | None = None
    # Wall-clock minutes for the whole run (stages, exports, ablation). Stage 3 drops the steps that would overrun
    # it, keeping `reserve_minutes` for what runs after it: the exports and the no-ASKG ablation generator.
    time_budget_minutes: float | None = None
    reserve_minutes: float = 0.0


_T = TypeVar("_T")


def _build(cls: type[_T], data: dict[str, Any]) -> _T:
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown keys for {cls.__name__}: {sorted(unknown)}")
    return cls(**data)


def load_recipe(path: str | Path) -> RecipeConfig:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    ablation = data.pop("ablation_stage3", None)
    if ablation and ablation.get("qformer_lr_scale") is not None:
        # The ablation shares the main model's Q-Former and fusion module; only its generator is trained.
        raise ValueError("ablation_stage3 trains the generator only: remove its qformer_lr_scale")
    return RecipeConfig(
        seed=data["seed"],
        model_config=data["model_config"],
        threads=data["threads"],
        stage1=_build(Stage1Config, data["stage1"]),
        stage2=_build(Stage2Config, data["stage2"]),
        stage3=_build(Stage3Config, data["stage3"]),
        ablation_stage3=_build(Stage3Config, ablation) if ablation else None,
        time_budget_minutes=data.get("time_budget_minutes"),
        reserve_minutes=data.get("reserve_minutes", 0.0),
    )
