"""Internals of ``numtorch.save`` / ``numtorch.load`` (PyTorch's checkpoint formats).

``tables`` maps torch's storage and dtype names to NumPy; ``pickler`` writes ``data.pkl`` with
torch's globals; ``unpickler`` reads it (weights-only or full); ``zipformat`` writes and reads
the aligned zip archive; ``legacy`` reads pre-1.6 files; ``safetensors`` is the safetensors
format.
"""
