"""Python side of RA-BLIP as a service: the PyTorch model, ONNX bundle export, parity fixtures and benchmarks."""
