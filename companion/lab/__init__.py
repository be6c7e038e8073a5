"""The Lab: experiments that show the course's ideas happening in a real model (no Qt).

- ``tokenizer``: the tokens a model reads (ids, visible whitespace, byte fallback).
- ``sampling`` + ``next_token``: next-token probabilities, temperature/top-k/top-p/min-p,
  greedy vs sampled continuations, surprise and perplexity token by token.
- ``anatomy``: a GGUF's shape and tensor types, and the memory formula with its numbers.
- ``quantization``: a real tensor quantised to 8/4/2 bits in numpy, error and memory.
- ``run_code``: lesson code in a separate Python process with a time limit.
- ``tiny_model`` + ``training``: a character-level model in numpy, trained live.
- ``model_access``: the one place that reaches a ``llama_cpp.Llama`` for its logits.

The GUI (``companion/ui/lab_*.py``) and the CLI (``companion lab …``, ``companion run``)
both drive these modules; nothing here knows about either.
"""
