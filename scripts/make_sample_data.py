"""Build the bundled data sample (``datasets_builders/sample_data``) from ``shared/data``.

The sample keeps the full data's folder layout and file formats, so the same
readers load both. Rows are drawn with a fixed seed (``random.Random(0)``) and
kept in their original order; parallel sets (XNLI, PAWS-X, XCOPA, SIB-200,
NusaX) use the same row indices in every language, so they stay parallel.
Every dataset's SOURCE.md (license, origin) is copied next to its sample.

Usage::

    python scripts/make_sample_data.py --source ../shared/data
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
from pathlib import Path

csv.field_size_limit(2**31 - 1)

# languages kept per multilingual set
XNLI = [
    "en",
    "de",
    "fr",
    "es",
    "zh",
    "ar",
    "ru",
    "sw",
    "hi",
    "tr",
    "bg",
    "el",
    "th",
    "ur",
    "vi",
]
PAWSX = ["en", "de", "es", "fr", "ja", "ko", "zh"]
XCOPA = ["et", "ht", "id", "it", "qu", "sw", "ta", "th", "tr", "vi", "zh"]
XWINOGRAD = ["en", "fr", "jp", "pt", "ru", "zh"]
SIB200 = [
    "eng_Latn", "deu_Latn", "fra_Latn", "spa_Latn", "ita_Latn", "por_Latn", "nld_Latn", "zho_Hans", "jpn_Jpan",
    "kor_Hang", "arb_Arab", "rus_Cyrl", "swh_Latn", "hin_Deva", "tur_Latn", "ind_Latn", "vie_Latn", "yor_Latn",
    "est_Latn", "tha_Thai", "amh_Ethi", "tam_Taml", "tel_Telu", "heb_Hebr", "ell_Grek", "pes_Arab", "hau_Latn",
    "zul_Latn",
]  # fmt: skip
TATOEBA = ["deu", "fra", "spa", "ita", "por", "nld", "cmn", "jpn", "kor", "ara", "rus", "swh", "hin", "tur", "ind",
           "vie", "est", "tha"]  # fmt: skip
NUSAX = ["english", "indonesian", "javanese", "sundanese"]

TRAIN_ROWS = 1000  # training splits (enough for the demo's 1,000 statements per task)
EVAL_ROWS = 300  # evaluation splits
DEV_ROWS = 100  # small dev splits


def pick(n_total: int, n: int, seed: str) -> list[int]:
    """Sorted row indices: a seeded sample of ``n`` of ``n_total`` (all if fewer)."""
    if n >= n_total:
        return list(range(n_total))
    return sorted(random.Random(f"0:{seed}").sample(range(n_total), n))


def copy_lines(src: Path, dst: Path, n: int, *, header: bool, seed: str) -> None:
    """Sample a one-row-per-line file (TSV read with QUOTE_NONE, plain text)."""
    lines = src.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    head, body = (lines[:1], lines[1:]) if header else ([], lines)
    keep = pick(len(body), n, seed)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("\n".join(head + [body[i] for i in keep]) + "\n", encoding="utf-8")


def copy_csv(src: Path, dst: Path, n: int, *, seed: str, delimiter: str = ",") -> None:
    """Sample a quoted CSV/TSV (rows may span lines) with a header."""
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    keep = pick(len(rows) - 1, n, seed)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        writer.writerow(rows[0])
        writer.writerows(rows[1 + i] for i in keep)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--out", type=Path, default=Path("datasets_builders/sample_data")
    )
    args = parser.parse_args()
    src, out = args.source, args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    def source_md(folder: str) -> None:
        (out / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(src / folder / "SOURCE.md", out / folder / "SOURCE.md")

    # evaluation sets
    source_md("xnli")
    for lang in XNLI:
        copy_lines(
            src / f"xnli/dev-{lang}.tsv",
            out / f"xnli/dev-{lang}.tsv",
            DEV_ROWS,
            header=False,
            seed="xnli-dev",
        )
        copy_lines(
            src / f"xnli/test-{lang}.tsv",
            out / f"xnli/test-{lang}.tsv",
            EVAL_ROWS,
            header=False,
            seed="xnli-test",
        )
    source_md("pawsx")
    for lang in PAWSX:
        # CSV-quoted, but every row is one line: copied line by line to keep the quoting
        copy_lines(
            src / f"pawsx/xtreme_dev/dev-{lang}.tsv",
            out / f"pawsx/xtreme_dev/dev-{lang}.tsv",
            EVAL_ROWS,
            header=False,
            seed="pawsx-dev",
        )
    for lang in ("de", "zh"):
        copy_csv(
            src / f"pawsx/hf_test/test-{lang}.tsv",
            out / f"pawsx/hf_test/test-{lang}.tsv",
            DEV_ROWS,
            seed="pawsx-test",
            delimiter="\t",
        )
    source_md("xcopa")
    for lang in XCOPA:
        copy_lines(
            src / f"xcopa/data/{lang}/val.{lang}.jsonl",
            out / f"xcopa/data/{lang}/val.{lang}.jsonl",
            DEV_ROWS,
            header=False,
            seed="xcopa-val",
        )
        copy_lines(
            src / f"xcopa/data/{lang}/test.{lang}.jsonl",
            out / f"xcopa/data/{lang}/test.{lang}.jsonl",
            2 * DEV_ROWS,
            header=False,
            seed="xcopa-test",
        )
    source_md("xwinograd")
    shutil.copy(src / "xwinograd/LICENSE", out / "xwinograd/LICENSE")
    for lang in XWINOGRAD:
        name = f"xwinograd/xwinograd_{lang}.jsonl"
        copy_lines(
            src / name, out / name, EVAL_ROWS, header=False, seed=f"xwinograd-{lang}"
        )
    source_md("sib200")
    for code in SIB200:
        for split in ("dev", "test", "train"):
            path = Path(f"sib200/data/annotated/{code}/{split}.tsv")
            if (src / path).exists():
                n = TRAIN_ROWS if split == "train" else EVAL_ROWS
                copy_lines(
                    src / path, out / path, n, header=True, seed=f"sib200-{split}"
                )
        shutil.copy(
            src / f"sib200/data/annotated/{code}/labels.txt",
            out / f"sib200/data/annotated/{code}/labels.txt",
        )

    # training sources
    source_md("glue")
    for path, n in [
        ("SST-2/train.sample5000.tsv", TRAIN_ROWS), ("SST-2/dev.tsv", EVAL_ROWS),
        ("MRPC/train.tsv", TRAIN_ROWS), ("MRPC/dev.tsv", EVAL_ROWS), ("MRPC/msr_paraphrase_test.txt", EVAL_ROWS),
        ("RTE/train.tsv", TRAIN_ROWS), ("RTE/dev.tsv", EVAL_ROWS),
        ("QNLI/dev.sample5000.tsv", TRAIN_ROWS),
        ("STS-B/train.sample5000.tsv", TRAIN_ROWS), ("STS-B/dev.tsv", EVAL_ROWS),
    ]:  # fmt: skip
        copy_lines(
            src / "glue" / path,
            out / "glue" / path,
            n,
            header=True,
            seed=f"glue-{path}",
        )
    shutil.copy(src / "glue/STS-B/LICENSE.txt", out / "glue/STS-B/LICENSE.txt")
    source_md("agnews")
    copy_lines(
        src / "agnews/dev.sample5000.tsv",
        out / "agnews/dev.sample5000.tsv",
        TRAIN_ROWS,
        header=False,
        seed="agnews-train",
    )
    copy_lines(
        src / "agnews/test.tsv",
        out / "agnews/test.tsv",
        EVAL_ROWS,
        header=False,
        seed="agnews-test",
    )
    source_md("comve")
    for data, answers, n in [
        (
            "train_subtaskA_data.sample5000.csv",
            "train_subtaskA_answers.sample5000.csv",
            TRAIN_ROWS,
        ),
        ("dev_subtaskA_dev_data.csv", "dev_subtaskA_gold_answers.csv", EVAL_ROWS),
        ("test_subtaskA_test_data.csv", "test_subtaskA_gold_answers.csv", EVAL_ROWS),
    ]:
        copy_csv(src / "comve" / data, out / "comve" / data, n, seed=f"comve-{data}")
        with open(out / "comve" / data, encoding="utf-8", newline="") as f:
            ids = {r["id"] for r in csv.DictReader(f)}
        with open(src / "comve" / answers, encoding="utf-8", newline="") as f:
            kept = [r for r in csv.reader(f) if r and r[0] in ids]
        with open(out / "comve" / answers, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(kept)
    source_md("snli_subset")
    for name, n in (
        ("snli_1.0_dev.subset.jsonl", TRAIN_ROWS // 2),
        ("snli_1.0_test.subset.jsonl", EVAL_ROWS),
    ):
        copy_lines(
            src / "snli_subset" / name,
            out / "snli_subset" / name,
            n,
            header=False,
            seed=f"snli-{name}",
        )
    source_md("tweeteval")
    for task in ("offensive", "emotion", "hate", "irony", "sentiment"):
        folder = src / "tweeteval" / task
        for text in sorted(folder.glob("*_text*.txt")):
            labels = folder / text.name.replace("_text", "_labels")
            n = TRAIN_ROWS if text.name.startswith("train") else EVAL_ROWS
            for f in (text, labels):
                copy_lines(
                    f,
                    out / "tweeteval" / task / f.name,
                    n,
                    header=False,
                    seed=f"tweeteval-{task}-{text.name}",
                )
        shutil.copy(folder / "mapping.txt", out / "tweeteval" / task / "mapping.txt")
    source_md("nusax")
    (out / "nusax/datasets").mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "nusax/datasets/LICENSE", out / "nusax/datasets/LICENSE")
    for lang in NUSAX:
        for split, n in (
            ("train", EVAL_ROWS),
            ("valid", DEV_ROWS),
            ("test", EVAL_ROWS),
        ):
            path = Path(f"nusax/datasets/sentiment/{lang}/{split}.csv")
            copy_csv(src / path, out / path, n, seed=f"nusax-{split}")
    for split, n in (
        ("train", 2 * DEV_ROWS),
        ("valid", DEV_ROWS // 2),
        ("test", DEV_ROWS),
    ):
        path = Path(f"nusax/datasets/mt/{split}.csv")
        copy_csv(src / path, out / path, n, seed=f"nusax-{split}")

    # parallel text
    source_md("tatoeba")
    for code in TATOEBA:
        for side in (code, "eng"):
            name = f"tatoeba/v1/tatoeba.{code}-eng.{side}"
            copy_lines(
                src / name, out / name, EVAL_ROWS, header=False, seed=f"tatoeba-{code}"
            )

    (out / "SAMPLE.md").write_text(
        "# Bundled data sample\n\n"
        "Real rows from `shared/data` (same layout and formats), made by `scripts/make_sample_data.py` "
        "with fixed seeds; original row order kept; parallel sets use the same rows in every language. "
        "Each folder's `SOURCE.md` gives the origin and license of the full data (licenses apply to this "
        "sample unchanged; several sets are research / non-commercial only).\n\n"
        f"Rows per file: training splits up to {TRAIN_ROWS}, evaluation splits up to {EVAL_ROWS}, "
        f"small dev splits up to {DEV_ROWS}.\n\n"
        f"- XNLI languages: {', '.join(XNLI)}\n- PAWS-X: {', '.join(PAWSX)} (dev), de/zh (test)\n"
        f"- XCOPA: {', '.join(XCOPA)}\n- XWinograd: {', '.join(XWINOGRAD)}\n- SIB-200: {', '.join(SIB200)}\n"
        f"- Tatoeba: {', '.join(TATOEBA)} (paired with English)\n- NusaX sentiment: {', '.join(NUSAX)}; NusaX-MT: all 12\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
