"""The pure text model: decoding, tokens with original offsets, blocks, sentences and front matter.

Nothing here does I/O or imports other parts of Variorum; every function takes values and returns values.
"""
