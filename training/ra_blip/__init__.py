"""RA-BLIP in PyTorch: one module per component, composed by `RaBlip` from one `RaBlipConfig`."""

from .attention import KeyValue
from .config import (
    AskgConfig,
    FusionConfig,
    GeneratorConfig,
    PromptConfig,
    QFormerConfig,
    RaBlipConfig,
    VitConfig,
    load_config,
)
from .decoding import (
    BeamSearchOutput,
    DecoderStepFunction,
    GenerationConfig,
    GreedyOutput,
    beam_search,
    greedy_search,
)
from .generator import DecodeStep, EncoderOutput
from .minilm import load_minilm, load_tokenizer, minilm_dir
from .model import GeneratorLoss, RaBlip
from .prompt import (
    ImageReference,
    PromptSpecialIds,
    PromptTokens,
    Reference,
    TextReference,
    build_askg_target,
    build_prompt,
    build_qformer_instruction,
    encode_qformer_instruction,
    encode_target,
)
from .qformer import QFormerOutput
from .token_batch import TokenBatch, pad_token_ids

__all__ = [
    "AskgConfig",
    "BeamSearchOutput",
    "DecodeStep",
    "DecoderStepFunction",
    "EncoderOutput",
    "FusionConfig",
    "GenerationConfig",
    "GeneratorConfig",
    "GeneratorLoss",
    "GreedyOutput",
    "ImageReference",
    "KeyValue",
    "PromptConfig",
    "PromptSpecialIds",
    "PromptTokens",
    "QFormerConfig",
    "QFormerOutput",
    "RaBlip",
    "RaBlipConfig",
    "Reference",
    "TextReference",
    "TokenBatch",
    "VitConfig",
    "beam_search",
    "build_askg_target",
    "build_prompt",
    "build_qformer_instruction",
    "encode_qformer_instruction",
    "encode_target",
    "greedy_search",
    "load_config",
    "load_minilm",
    "load_tokenizer",
    "minilm_dir",
    "pad_token_ids",
]
