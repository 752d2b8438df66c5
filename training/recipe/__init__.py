"""The RA-BLIP-mini training recipe: image-text pre-training, retrieval pre-training, ASKG generator training."""
