"""jieba's word frequencies in a few flat arrays, for a process that seldom cuts.

jieba keeps its dictionary as a dict of about 500,000 words and prefixes: about 95 MB in
a process (a string object, a dict slot and often an int object for each). An ingest's
writer, whose workers cut the articles, needs the dictionary only for what it extracts
again and the words it hears of, and was the ingest's largest process with it. Here the
same words are one string, their bounds and counts two arrays, and an open-addressing
table of their positions (by Python's own string hash): about 12 MB. A lookup costs a
slice and a comparison instead of a dict probe (a few times slower), which a process that
cuts a title now and then does not notice; a process that cuts every article keeps the dict.

Words added or removed later (learned words, ``Segmenter.rewind``) live in a small dict
in front of the arrays, so the mapping behaves as jieba's dict does in every use jieba
and the Segmenter make of it.
"""

from __future__ import annotations

import os
import sys
from array import array
from collections.abc import Iterator, Mapping, MutableMapping

_ABSENT = object()
_MAGIC = 0x7A786B67_66726571  # "zxkgfreq"


class CompactFrequencies(MutableMapping[str, int]):
    """A str → int mapping equal to the one it was built from, in a fraction of its memory."""

    def __init__(self, text: str, bounds: array[int], counts: array[int]) -> None:
        """The words ``text[bounds[i]:bounds[i + 1]]`` with their ``counts[i]`` (``of``, ``load``)."""
        self._text, self._bounds, self._counts = text, bounds, counts
        n = len(bounds) - 1
        size = 1 << max(4, (2 * n).bit_length())  # at most half full: short probes
        self._mask = mask = size - 1
        slots = array("i", [-1]) * size
        for i in range(n):  # Python's string hash changes with each process: built here
            slot = hash(text[bounds[i] : bounds[i + 1]]) & mask
            while slots[slot] != -1:
                slot = (slot + 1) & mask
            slots[slot] = i
        self._slots = slots
        self._changed: dict[str, int | None] = {}  # None: removed since built

    @classmethod
    def of(cls, freq: Mapping[str, int]) -> CompactFrequencies:
        words = list(freq)
        bounds = array("I", [0])
        end = 0
        for word in words:
            end += len(word)
            bounds.append(end)
        return cls("".join(words), bounds, array("Q", (freq[w] for w in words)))

    def save(self, path: str, total: int) -> None:
        """Write the words as built (not the changes) and jieba's ``total``, atomically."""
        if self._changed:
            raise ValueError("only an unchanged dictionary is saved")
        text = self._text.encode("utf-8")
        header = array("Q", [_MAGIC, total, len(self._bounds), len(text)])
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(header.tobytes() + self._bounds.tobytes() + self._counts.tobytes() + text)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str) -> tuple[CompactFrequencies, int] | None:
        """The dictionary ``save`` wrote and its total; None if the file is missing or not one."""
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError:
            return None
        header = array("Q")
        header.frombytes(raw[:32] if len(raw) >= 32 else b"")
        if len(header) < 4 or header[0] != _MAGIC or header[2] < 1:
            return None
        _, total, n, size = header
        bounds, counts = array("I"), array("Q")
        at = 32 + n * bounds.itemsize
        end = at + (n - 1) * counts.itemsize
        if len(raw) != end + size:  # cut short or grown: not what save wrote
            return None
        bounds.frombytes(raw[32:at])
        counts.frombytes(raw[at:end])
        try:
            text = raw[end:].decode("utf-8")
        except UnicodeDecodeError:
            return None
        if bounds[0] != 0 or bounds[-1] != len(text):
            return None
        return cls(text, bounds, counts), total

    def _index(self, word: str) -> int:
        """The position of ``word`` among the words built in, or -1."""
        slots, bounds, text, mask = self._slots, self._bounds, self._text, self._mask
        slot = hash(word) & mask
        while (i := slots[slot]) != -1:
            if text[bounds[i] : bounds[i + 1]] == word:
                return i
            slot = (slot + 1) & mask
        return -1

    def __getitem__(self, word: str) -> int:
        changed = self._changed.get(word, _ABSENT)
        if changed is not _ABSENT:
            if changed is None:
                raise KeyError(word)
            return changed  # type: ignore[return-value]
        i = self._index(word) if word.__class__ is str else -1
        if i < 0:
            raise KeyError(word)
        return self._counts[i]

    def __contains__(self, word: object) -> bool:
        changed = self._changed.get(word, _ABSENT)  # type: ignore[call-overload]
        if changed is not _ABSENT:
            return changed is not None
        return isinstance(word, str) and self._index(word) >= 0

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        try:
            return self[word]
        except KeyError:
            return default

    def __setitem__(self, word: str, count: int) -> None:
        self._changed[word] = count

    def __delitem__(self, word: str) -> None:
        if word not in self:
            raise KeyError(word)
        self._changed[word] = None

    def __iter__(self) -> Iterator[str]:
        text, bounds, changed = self._text, self._bounds, self._changed
        for i in range(len(bounds) - 1):
            word = text[bounds[i] : bounds[i + 1]]
            if word not in changed:
                yield word
        yield from (w for w, c in changed.items() if c is not None)

    def __len__(self) -> int:
        built = len(self._bounds) - 1
        for word, count in self._changed.items():
            present = self._index(word) >= 0
            built += (count is not None) - present
        return built

    def nbytes(self) -> int:
        """What the arrays and the text take (the dict of changes aside)."""
        arrays = (self._bounds, self._counts, self._slots)
        return sum(a.itemsize * len(a) for a in arrays) + sys.getsizeof(self._text)
