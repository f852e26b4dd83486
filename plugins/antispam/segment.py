"""jieba with a compact dictionary: the same cuts as ``jieba.lcut(text, HMM=False)``, in a few
MB instead of ~80.

Stock jieba keeps its dictionary as a Python dict of ~500k strings (every word of dict.txt and
every prefix of every word, prefixes with frequency 0) — about 70-80 MB of RSS for a bot that
only ever asks for the words of a message. Here the real words live in a MARISA trie
(``marisa-trie``) and their frequencies in two flat arrays indexed by the trie's key id;
``get_DAG`` walks the trie's prefixes of the text instead of growing slices in a Python loop,
and ``calc`` reads the same ``log(freq)`` jieba computes, so the route (and every tie) is the
same. ``total`` is jieba's: the sum of every line's frequency, duplicates included.

The trie is built from jieba's own dict.txt once per machine (~1-2 s) and cached on disk,
keyed by a hash of the dictionary and the versions of jieba, marisa-trie and this format; the
cache is written atomically and checked by a digest, so a corrupt or truncated file is rebuilt,
never trusted. The build runs in a child process when the cache is writable: parsing 350k lines
leaves ~20 MB of freed-but-kept heap behind in the process that does it. With no writable cache
directory it builds in memory, in this process.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import math
import os
import struct
import subprocess
import sys
import tempfile
import threading
import types
from array import array
from collections.abc import Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import marisa_trie


def _import_jieba() -> Any:
    """jieba's _compat imports pkg_resources (setuptools' deprecated resource API: ~12 MB of RSS
    and ~60 ms) only to open its own dict.txt, and falls back to opening the file by path when
    the import fails. Nothing else in the bot uses pkg_resources, so while jieba is imported it
    is made unimportable (None in sys.modules), then put back: a later import gets the real one.
    The same pattern as the SDK's unused modules in bot/wechaty_compat.py."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is None:
            del sys.modules["pkg_resources"]
    return jieba


class _OnFirstUse(types.ModuleType):
    """Stands in for a module until one of its attributes is read, then imports the real one
    (which takes its place in sys.modules and as its parent package's attribute)."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def _defer_jieba_hmm() -> None:
    """jieba's __init__ imports finalseg, the HMM that guesses words missing from the
    dictionary: its emission table is a 1.3 MB Python source of dict literals, 2.7 MB of RSS in
    every process. The bot cuts with HMM=False only, so before jieba is first imported finalseg
    becomes a stand-in that imports the real module the first time anything reads it (a cut
    with HMM=True still works, the same). Kept out of _import_jieba and of every definition the
    cut runs: which module object is finalseg's changes no cut with HMM=False (the char model's
    feature code, feature_code.py, is unchanged)."""
    if "jieba" not in sys.modules and "jieba.finalseg" not in sys.modules:
        sys.modules["jieba.finalseg"] = _OnFirstUse("jieba.finalseg")


_defer_jieba_hmm()
jieba = _import_jieba()
log = logging.getLogger(__name__)

FORMAT = 2
_MAGIC = b"QGSEG\x00\x00\x02"
# total, words, longest word (characters), trie bytes
_HEADER = struct.Struct("<qqqq")
_DIGEST_SIZE = 32


def _default_dictionary() -> Path:
    return Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)


def _versions() -> str:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return f"jieba={version('jieba')};marisa-trie={version('marisa-trie')};format={FORMAT};{sys.byteorder}"


def cache_key(dictionary: Path) -> str:
    """What the cached trie depends on: the dictionary's bytes and the code that reads it."""
    h = hashlib.blake2b(digest_size=16)
    h.update(_versions().encode())
    with open(dictionary, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def cache_dirs() -> list[Path]:
    """Where a cached trie may live, in order: $QUNGUAN_CACHE_DIR, the XDG cache, a per-user
    directory in the system temp dir."""
    dirs = []
    if os.environ.get("QUNGUAN_CACHE_DIR"):
        dirs.append(Path(os.environ["QUNGUAN_CACHE_DIR"]))
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    dirs.append(Path(xdg) / "qunguan")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    dirs.append(Path(tempfile.gettempdir()) / f"qunguan-{uid}")
    return dirs


# ------------------------------------------------------------------------------ the dictionary
class CompactDict:
    """The trie, the frequencies and jieba's total: what a Tokenizer needs, in a few MB."""

    def __init__(self, trie: marisa_trie.Trie, freqs: array, total: int, longest: int,
                 logs: array | None = None) -> None:
        self.trie = trie
        self.freqs = freqs  # 'q': frequency by trie key id
        # log(freq or 1), exactly the float jieba's calc() computes for the word; stored in the
        # cache too (computing it is most of a load's time); no 350k-float list on the heap
        self.logs = logs if logs is not None else array("d", (math.log(f or 1) for f in freqs))
        self.total = total
        self.longest = longest

    @classmethod
    def build(cls, dictionary: Path) -> CompactDict:
        """Two streaming passes over dict.txt (jieba's format: ``word freq [tag]`` a line), so
        no dict of 350k words is ever held: the trie first, then each line's frequency at its
        word's id (the last line of a repeated word wins, as in jieba's gen_pfdict)."""

        def entries() -> Iterator[tuple[str, int]]:
            with open(dictionary, "rb") as f:
                for lineno, raw in enumerate(f, 1):
                    line = raw.strip().decode("utf-8")
                    try:
                        word, freq = line.split(" ")[:2]
                        yield word, int(freq)
                    except ValueError:
                        raise ValueError(f"invalid dictionary entry in {dictionary} at line {lineno}: {line}") from None

        trie = marisa_trie.Trie(word for word, _ in entries())
        freqs = array("q", bytes(8 * len(trie)))
        total = 0
        longest = 0
        key_id = trie.key_id
        for word, freq in entries():
            freqs[key_id(word)] = freq
            total += freq
            longest = max(longest, len(word))
        return cls(trie, freqs, total, longest)

    def to_bytes(self) -> bytes:
        trie = self.trie.tobytes()
        body = (_HEADER.pack(self.total, len(self.freqs), self.longest, len(trie)) + trie + self.freqs.tobytes()
                + self.logs.tobytes())
        return _MAGIC + hashlib.blake2b(body, digest_size=_DIGEST_SIZE).digest() + body

    @classmethod
    def from_bytes(cls, data: bytes) -> CompactDict:
        """Raises ValueError on anything but an intact file of this format."""
        if data[:len(_MAGIC)] != _MAGIC:
            raise ValueError("not a compact jieba dictionary")
        digest = data[len(_MAGIC):len(_MAGIC) + _DIGEST_SIZE]
        body = memoryview(data)[len(_MAGIC) + _DIGEST_SIZE:]
        if hashlib.blake2b(body, digest_size=_DIGEST_SIZE).digest() != digest:
            raise ValueError("digest mismatch (corrupt or truncated)")
        total, n, longest, trie_len = _HEADER.unpack_from(body)
        start = _HEADER.size
        if start + trie_len + 16 * n != len(body):
            raise ValueError("length mismatch")
        trie = marisa_trie.Trie().frombytes(bytes(body[start:start + trie_len]))
        freqs, logs = array("q"), array("d")
        freqs.frombytes(body[start + trie_len:start + trie_len + 8 * n])
        logs.frombytes(body[start + trie_len + 8 * n:])
        if len(trie) != n:
            raise ValueError("trie and frequencies disagree")
        return cls(trie, freqs, total, longest, logs)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _read_cache(path: Path) -> CompactDict | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        log.warning("cannot read the segmenter cache %s (%s); rebuilding", path, e)
        return None
    try:
        return CompactDict.from_bytes(data)
    except Exception as e:  # whatever is wrong with the file, the dictionary is still there
        log.warning("ignoring the segmenter cache %s: %s; rebuilding", path, e)
        return None


_CHILD = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("_qunguan_segment_build", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
sys.exit(module.main(["build", *sys.argv[2:]]))
"""


def _build_in_child(dictionary: Path, path: Path) -> bool:
    """Build and write the cache in a child process, so the parse's heap never lands here."""
    try:
        # this file by path, in isolated mode: the child imports jieba and marisa-trie only,
        # not the bot's packages
        done = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD, __file__, str(dictionary), str(path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300,
        )
    except (OSError, subprocess.SubprocessError) as e:
        log.warning("could not build the segmenter cache in a child process: %s", e)
        return False
    if done.returncode != 0:
        log.warning("building the segmenter cache failed: %s", done.stderr.decode(errors="replace")[-500:])
        return False
    return True


def _trusted(directory: Path) -> bool:
    """A directory another user could write to (a shared temp dir planted in advance) is
    neither read nor written: the digest proves integrity, not who wrote the file."""
    try:
        st = directory.stat()
    except FileNotFoundError:
        return True  # created by us, 0o700
    except OSError:
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not st.st_mode & 0o022


def load_dictionary(dictionary: Path | None = None) -> CompactDict:
    """The compact dictionary: from the first intact cache file, else built once (in a child
    that writes the cache), else built here in memory."""
    dictionary = dictionary or _default_dictionary()
    name = f"jieba-trie-{cache_key(dictionary)}.bin"
    dirs = [d for d in cache_dirs() if _trusted(d)]
    for d in dirs:
        cached = _read_cache(d / name)
        if cached is not None:
            return _narrow(cached)
    for d in dirs:
        try:
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not os.access(d, os.W_OK):
                continue
        except OSError:
            continue
        if _build_in_child(dictionary, d / name):
            cached = _read_cache(d / name)
            if cached is not None:
                return _narrow(cached)
        break  # a writable directory but a failed child build: do not try every directory
    log.info("no writable cache for the segmenter; building its dictionary in memory")
    compact = CompactDict.build(dictionary)
    for d in dirs:
        try:
            _write_atomically(d / name, compact.to_bytes())
            break
        except OSError:
            continue
    return _narrow(compact)


def _narrow(compact: CompactDict) -> CompactDict:
    """The frequencies in 4 bytes a word where they fit (jieba's do: at most 883,634), 1.4 MB
    where 8 bytes took 2.8; the same numbers, so the same cuts. The file keeps 8 bytes."""
    freqs = compact.freqs
    if freqs.itemsize > 4 and (not freqs or (min(freqs) >= 0 and max(freqs) <= 0xFFFFFFFF)):
        compact.freqs = array("I", compact.freqs)
    return compact


# ------------------------------------------------------------------------------ the tokenizer
class _Freq(Mapping[str, int]):
    """jieba's FREQ as jieba's own code reads it: a word gives its frequency, a prefix of a word
    gives 0, anything else is absent. Iteration and len() cover the words only."""

    def __init__(self, compact: CompactDict) -> None:
        self._c = compact

    def __getitem__(self, key: str) -> int:
        i = self._c.trie.get(key)
        if i is not None:
            return self._c.freqs[i]
        if key and self._has_prefix(key):
            return 0
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(key) and self._has_prefix(key)

    def _has_prefix(self, key: str) -> bool:
        return next(self._c.trie.iterkeys(key), None) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._c.trie.iterkeys())

    def __len__(self) -> int:
        return len(self._c.trie)


_Tokenizer: Any = jieba.Tokenizer


class CompactTokenizer(_Tokenizer):
    """A ``jieba.Tokenizer`` whose dictionary is a MARISA trie. Read-only: no add_word, no user
    dictionaries (the bot uses neither; a clear error rather than a silent difference)."""

    initialized: bool
    total: int

    def __init__(self, dictionary: str | os.PathLike[str] | None = None) -> None:
        super().__init__()
        self._path = Path(dictionary) if dictionary else None
        self._compact: CompactDict | None = None

    def initialize(self, dictionary: Any = None) -> None:
        if dictionary:
            raise NotImplementedError("pass the dictionary to CompactTokenizer()")
        with self.lock:
            if self.initialized:
                return
            compact = load_dictionary(self._path)
            self._compact = compact
            self.FREQ = _Freq(compact)  # type: ignore[assignment]
            self.total = compact.total
            self.initialized = True

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:
        self.check_initialized()
        c = self._compact
        assert c is not None
        prefixes, freqs, longest = c.trie.iter_prefixes_with_ids, c.freqs, c.longest
        dag = {}
        for k in range(len(sentence)):
            # the trie's keys that begin the text at k, shortest first, as jieba's loop finds them
            ends = [k + len(word) - 1 for word, i in prefixes(sentence[k:k + longest]) if freqs[i]]
            dag[k] = ends or [k]
        return dag

    def calc(self, sentence: str, DAG: dict[int, list[int]], route: dict[int, tuple[float, int]]) -> None:
        c = self._compact
        assert c is not None
        get, logs = c.trie.get, c.logs
        n = len(sentence)
        route[n] = (0, 0)
        logtotal = math.log(self.total)
        for idx in range(n - 1, -1, -1):
            best = None
            for x in DAG[idx]:
                i = get(sentence[idx:x + 1])
                # same float as jieba: log(FREQ.get(w) or 1) - logtotal + route[x + 1][0]
                cand = ((logs[i] if i is not None else 0.0) - logtotal + route[x + 1][0], x)
                if best is None or cand > best:
                    best = cand
            assert best is not None
            route[idx] = best

    def _Tokenizer__cut_DAG_NO_HMM(self, sentence: str) -> Iterator[str]:
        """What ``cut(HMM=False)`` runs on each block of han/latin/digits (jieba's private
        ``__cut_DAG_NO_HMM``, by its mangled name): get_DAG and calc fused into one backward pass
        over the trie's prefixes, each word looked up once, the same floats compared in the same
        order; then jieba's own walk of the route (latin and digits glued into runs)."""
        self.check_initialized()
        c = self._compact
        assert c is not None
        prefixes, freqs, logs, longest = c.trie.iter_prefixes_with_ids, c.freqs, c.logs, c.longest
        n = len(sentence)
        logtotal = math.log(self.total)
        value = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for idx in range(n - 1, -1, -1):
            best_v = best_x = None
            for word, i in prefixes(sentence[idx:idx + longest]):
                if freqs[i]:
                    x = idx + len(word) - 1
                    v = logs[i] - logtotal + value[x + 1]
                    # max() over (value, end) tuples in jieba: the greater value, then the later end
                    if best_v is None or v > best_v or (v == best_v and x > best_x):  # type: ignore[operator]
                        best_v, best_x = v, x
            if best_v is None:  # no word starts here: the character alone, log(1)
                best_v, best_x = 0.0 - logtotal + value[idx + 1], idx
            value[idx] = best_v
            end[idx] = best_x  # type: ignore[assignment]
        x = 0
        buf = ""
        re_eng = jieba.re_eng
        while x < n:
            y = end[x] + 1
            l_word = sentence[x:y]
            if len(l_word) == 1 and re_eng.match(l_word):
                buf += l_word
            else:
                if buf:
                    yield buf
                    buf = ""
                yield l_word
            x = y
        if buf:
            yield buf

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        raise NotImplementedError("the compact dictionary is read-only")

    def del_word(self, word: str) -> None:
        raise NotImplementedError("the compact dictionary is read-only")

    def load_userdict(self, f: Any) -> None:
        raise NotImplementedError("the compact dictionary is read-only")

    def suggest_freq(self, segment: Any, tune: bool = False) -> int:
        if tune:
            raise NotImplementedError("the compact dictionary is read-only")
        return super().suggest_freq(segment, tune=False)


_segmenter: CompactTokenizer | None = None
_lock = threading.Lock()


def segmenter() -> CompactTokenizer:
    """The process's segmenter, its dictionary loaded once, lazily, by whichever thread asks
    first (the runtime's warm-up thread, before the bot is ready)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                tokenizer = CompactTokenizer()
                tokenizer.initialize()
                _segmenter = tokenizer
    return _segmenter


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "build":
        compact = CompactDict.build(Path(argv[1]))
        _write_atomically(Path(argv[2]), compact.to_bytes())
        return 0
    if argv == ["warm"]:  # fill the cache ahead of the first start (the Dockerfile does)
        print(segmenter().lcut("预热：加我微信领取资料", HMM=False))
        return 0
    print("usage: python -m plugins.antispam.segment warm | build DICT.TXT OUT", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
