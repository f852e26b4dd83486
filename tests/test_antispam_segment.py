"""The compact segmenter (plugins/antispam/segment.py) cuts exactly as stock jieba does with its
own dictionary, on the project's corpus and on texts built to stress the word graph; its disk
cache is rebuilt when corrupt and skipped when unwritable."""

from __future__ import annotations

import csv
import logging
import random
from pathlib import Path

import jieba
import pytest

from plugins.antispam import segment
from plugins.antispam.normalize import normalise

CORPUS = Path(__file__).resolve().parents[1] / "plugins" / "antispam" / "data" / "corpus"


@pytest.fixture(scope="module")
def stock() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@pytest.fixture(scope="module")
def compact(tmp_path_factory: pytest.TempPathFactory) -> segment.CompactTokenizer:
    cache = tmp_path_factory.mktemp("segcache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(segment, "cache_dirs", lambda: [cache])
        tokenizer = segment.CompactTokenizer()
        tokenizer.initialize()  # a cold build (child process), then a load of what it wrote
    assert list(cache.glob("jieba-trie-*.bin")), "the cold build writes the cache"
    return tokenizer


def corpus_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(CORPUS.glob("*.tsv")):
        with open(path, encoding="utf-8", newline="") as f:
            texts.extend(row["text"] for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return texts


def generated_texts(words: list[str], seed: int = 13) -> list[str]:
    """Mixed scripts, digits, emoji, punctuation, whitespace, runs of dictionary words that
    overlap (where the route has real choices), long texts, and the degenerate ones."""
    rng = random.Random(seed)
    pieces = [
        "abc", "ABC", "a", "Z", "0", "123", "8888", "1.5", "x-y", "a_b", "c++", "C#", "50%", "&", "#", ".",
        " ", "  ", "\t", "\n", "\r\n", "\u3000", "，", "。", "！", "？", "、", "：", "…", "——", "“", "”", "（", "）",
        "😀", "🧧", "👍🏻", "🇨🇳", "\u200b", "\ufeff", "ｖｘ", "ＡＢ１２", "①", "Ⅻ", "é", "ß", "Привет", "こんにちは",
        "한국어", "ไทย", "مرحبا", "龘", "\u9fd5", "\u9fd6", "\u3400", "𠀀", "\ud800", "繁體字", "微信", "加V", "qq",
    ]
    texts = ["", " ", "\n", "0", "a", "我", "😀", "\ud800", "一" * 50, "的" * 40]
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 25)):
            r = rng.random()
            if r < 0.55:
                parts.append(rng.choice(words))
            elif r < 0.7:
                word = rng.choice(words)  # a word cut short or run on: partial matches
                parts.append(word[: rng.randint(1, len(word))] + rng.choice(words)[-1:])
            else:
                parts.append(rng.choice(pieces))
        texts.append("".join(parts))
    return texts


def test_cuts_equal_stock_jieba_without_hmm(stock: jieba.Tokenizer, compact: segment.CompactTokenizer) -> None:
    corpus = corpus_texts()
    assert len(corpus) > 10_000
    rng = random.Random(7)
    longs = ["".join(rng.sample(corpus, 40)) for _ in range(30)]  # thousands of characters each
    # what the checks pass in: the normalised dense form, digit runs folded (classifier.features)
    dense = [normalise(t).dense for t in corpus[::5]]
    words = [w for w in stock.FREQ if stock.FREQ[w] and len(w) > 1]
    words.sort()
    # each distinct text cut once: ~2,200 of the ~36,000 repeat one before them (corpus rows
    # posted in several groups, dense forms equal to their text), and a cut depends on the text alone
    texts = list(dict.fromkeys(corpus + longs + dense + generated_texts(rng.sample(words, 20_000))))
    differ = [(t, stock.lcut(t, HMM=False), compact.lcut(t, HMM=False)) for t in texts
              if stock.lcut(t, HMM=False) != compact.lcut(t, HMM=False)]
    assert not differ, f"{len(differ)} of {len(texts)} texts cut differently, e.g. {differ[:3]}"


def test_other_modes_and_lookups_agree(stock: jieba.Tokenizer, compact: segment.CompactTokenizer) -> None:
    """Not used by the bot, but FREQ reads as jieba's own (words, 0 for prefixes), so the HMM
    and full modes of the inherited code agree too."""
    texts = [*corpus_texts()[::20], "", "abc 123", "😀加微信😀"]
    for t in texts:
        assert compact.lcut(t) == stock.lcut(t), t
        assert compact.lcut(t, cut_all=True) == stock.lcut(t, cut_all=True), t
    assert compact.total == stock.total
    for w in ["北京", "北京天安门", "北京天", "天安", "龘龘", "a", "", "微信"]:
        assert compact.FREQ.get(w) == stock.FREQ.get(w), w
        assert (w in compact.FREQ) == (w in stock.FREQ), w
    with pytest.raises(NotImplementedError):
        compact.add_word("新词")


def _fresh(cache: Path, monkeypatch: pytest.MonkeyPatch) -> segment.CompactTokenizer:
    monkeypatch.setattr(segment, "cache_dirs", lambda: [cache])
    tokenizer = segment.CompactTokenizer()
    tokenizer.initialize()
    return tokenizer


SAMPLE = "我们在北京天安门广场，加微信领取福利abc123，长春市长春节讲话😀"


def _small_dictionary(directory: Path) -> Path:
    """jieba's own entries for every word inside SAMPLE (all its DAG can use), and a few
    thousand others: the cache's handling does not depend on the dictionary's size, and each
    rebuild of the full one took ~3 s."""
    lines = segment._default_dictionary().read_text("utf-8").splitlines()
    kept = [line for i, line in enumerate(lines) if line.split(" ", 1)[0] in SAMPLE or i % 100 == 0]
    path = directory / "dict.txt"
    path.write_text("\n".join(kept) + "\n", "utf-8")
    return path


def test_a_corrupt_cache_is_rebuilt_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dictionary = _small_dictionary(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    expected = jieba.Tokenizer(str(dictionary)).lcut(SAMPLE, HMM=False)
    assert len(expected) > 10

    def fresh() -> segment.CompactTokenizer:
        monkeypatch.setattr(segment, "cache_dirs", lambda: [cache])
        tokenizer = segment.CompactTokenizer(dictionary)
        tokenizer.initialize()
        return tokenizer

    assert fresh().lcut(SAMPLE, HMM=False) == expected
    (cached,) = cache.glob("jieba-trie-*.bin")
    good = cached.read_bytes()
    damaged = bytearray(good)
    damaged[len(damaged) // 2] ^= 0xFF
    for bad in [b"", b"garbage", good[: len(good) // 3], bytes(damaged)]:
        cached.write_bytes(bad)
        assert fresh().lcut(SAMPLE, HMM=False) == expected
        assert cached.read_bytes() == good  # rebuilt in place


def test_no_writable_cache_builds_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stock: jieba.Tokenizer
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    tokenizer = _fresh(blocker / "cache", monkeypatch)
    assert tokenizer.lcut(SAMPLE, HMM=False) == stock.lcut(SAMPLE, HMM=False)
    assert tokenizer.total == stock.total


def test_the_process_segmenter_is_loaded_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    loads: list[str] = []
    original = segment.CompactTokenizer.initialize

    def counting(self: segment.CompactTokenizer, dictionary: object = None) -> None:
        loads.append(threading.current_thread().name)
        original(self, dictionary)

    monkeypatch.setattr(segment, "_segmenter", None)
    monkeypatch.setattr(segment.CompactTokenizer, "initialize", counting)
    barrier = threading.Barrier(4)
    got: list[segment.CompactTokenizer] = []

    def ask() -> None:
        barrier.wait()
        got.append(segment.segmenter())

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1 and len({id(s) for s in got}) == 1


def test_a_cache_directory_others_can_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stock: jieba.Tokenizer
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    tokenizer = _fresh(shared, monkeypatch)  # built in memory instead
    assert tokenizer.lcut(SAMPLE, HMM=False) == stock.lcut(SAMPLE, HMM=False)
    assert not list(shared.iterdir())


def test_jieba_is_imported_without_pkg_resources() -> None:
    """A fresh process as the bot is: the segmenter's import of jieba leaves setuptools'
    pkg_resources out (~5 MB, ~80 ms), jieba still finds its files, and a later import of
    pkg_resources still works."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from plugins.antispam import segment\n"
        "assert 'pkg_resources' not in sys.modules\n"
        "print(segment.jieba.get_module_res('dict.txt').readline().decode().split()[0])\n"
        "import pkg_resources\n"
    )
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip()  # the first word of dict.txt, opened by jieba's own fallback


def test_jiebas_hmm_is_loaded_only_when_a_cut_asks_for_it() -> None:
    """A fresh process as the bot is: the bot cuts with HMM=False only, so jieba's HMM tables
    (finalseg's prob_emit: 2.7 MB of RSS) stay out until a cut with HMM=True, which then finds
    new words exactly as stock jieba does."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from plugins.antispam import segment\n"
        "t = segment.segmenter()\n"
        "t.lcut('加微信领取福利，他来到了网易杭研大厦', HMM=False)\n"
        "assert 'jieba.finalseg.prob_emit' not in sys.modules, 'HMM tables loaded'\n"
        "print(' '.join(t.lcut('他来到了网易杭研大厦')))\n"
        "assert 'jieba.finalseg.prob_emit' in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["他", "来到", "了", "网易", "杭研", "大厦"]  # 杭研: a word only the HMM finds


def test_frequencies_take_four_bytes_a_word_and_a_larger_one_still_fits(
    compact: segment.CompactTokenizer, tmp_path: Path
) -> None:
    """jieba's frequencies (at most 883,634) are kept in 4 bytes a word once loaded (1.4 MB of
    the segmenter's memory, not 2.8); a dictionary with a frequency past 32 bits keeps 8."""
    assert compact._compact is not None and compact._compact.freqs.itemsize == 4
    path = _small_dictionary(tmp_path)
    small = segment._narrow(segment.CompactDict.build(path))
    assert small.freqs.itemsize == 4
    path.write_text(path.read_text("utf-8") + "巨频词 8589934592\n", "utf-8")
    big = segment._narrow(segment.CompactDict.build(path))
    assert big.freqs.itemsize == 8 and big.freqs[big.trie.key_id("巨频词")] == 8589934592
