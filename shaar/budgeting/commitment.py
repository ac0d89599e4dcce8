"""Receipts and the commitment to a pool's ballots: pure Python, no Django, so anyone can run
the verifier on the published files.

- A receipt is a random code (12 characters of Crockford's base32, about 60 bits) shown once
  to an online voter. The server keeps only `receipt_hash(code)`, next to the ballot's
  contents; it is never derived from the contents, so a published list of receipt hashes and
  a published list of ballots cannot be paired.
- When the last ballot of a pool is in (online voting closed, paper ballots entered and
  reconciled), the pool is sealed: `ballots_text` lists every ballot (random id and
  projects, sorted by id) and every receipt hash (sorted), and its sha256 is the commitment,
  published before counting. Deleting, adding or altering a ballot or a receipt afterwards
  changes the text, so the published commitment no longer matches.

    python -m shaar.budgeting.commitment ballots.txt COMMITMENT [--receipt CODE]

checks a downloaded `ballots.txt` against the published commitment (and that a receipt is in
it), and exits with 1 if anything differs.
"""

from __future__ import annotations

import argparse
import hashlib
import secrets
import sys
from collections.abc import Iterable

FORMAT = "shaar-ballots/1"
# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    """A fresh receipt or change code, grouped by four: "7KQ2-M9XD-4TFA"."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """As typed: any case, spaces and dashes ignored; O/I/L read as 0/1/1 (Crockford)."""
    cleaned = "".join(c for c in (code or "").upper() if c not in " -\t")
    return cleaned.translate(str.maketrans("OIL", "011"))


def receipt_hash(code: str) -> str:
    return hashlib.sha256(f"receipt:{normalise_code(code)}".encode()).hexdigest()


def change_hash(code: str) -> str:
    return hashlib.sha256(f"change:{normalise_code(code)}".encode()).hexdigest()


def ballots_text(pool: str, ballots: Iterable[tuple[str, Iterable[int | str]]],
                 receipts: Iterable[str]) -> str:
    """The committed text: a header, one line per ballot ("ballot <id> <projects>", by id)
    and one line per receipt hash ("receipt <hash>", sorted). Ballots and receipts are
    sorted separately, so no line of one says anything about a line of the other."""
    lines = [FORMAT, f"pool {pool}"]
    lines += [f"ballot {ballot_id} {','.join(str(p) for p in sorted(projects, key=int))}"
              for ballot_id, projects in sorted(ballots, key=lambda b: b[0])]
    lines += [f"receipt {h}" for h in sorted(receipts)]
    return "\n".join(lines) + "\n"


def commit(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def parse(text: str) -> tuple[list[tuple[str, list[str]]], set[str]]:
    """The ballots and receipt hashes of a `ballots_text`; ValueError if it is malformed."""
    lines = text.splitlines()
    if not lines or lines[0] != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    ballots, receipts = [], set()
    for number, line in enumerate(lines[2:], start=3):
        kind, _, rest = line.partition(" ")
        if kind == "ballot":
            ballot_id, _, projects = rest.partition(" ")
            ballots.append((ballot_id, [p for p in projects.split(",") if p]))
        elif kind == "receipt":
            receipts.add(rest)
        else:
            raise ValueError(f"line {number}: unknown line {line[:40]!r}")
    return ballots, receipts


def verify(text: str, commitment: str, receipt: str | None = None) -> list[str]:
    """What is wrong with `text` against the published commitment (empty when all is well)."""
    problems = []
    if commit(text) != commitment.strip().lower():
        problems.append("the ballots differ from the commitment published at closing: "
                        "a ballot or a receipt was deleted, added or altered")
    try:
        _ballots, receipts = parse(text)
    except ValueError as error:
        return [*problems, str(error)]
    if receipt is not None and receipt_hash(receipt) not in receipts:
        problems.append("this receipt is not among the pool's ballots")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shaar.budgeting.commitment",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="the pool's published ballots.txt")
    parser.add_argument("commitment", help="the commitment published when the pool was sealed")
    parser.add_argument("--receipt", help="your receipt code, to check that it was counted")
    args = parser.parse_args(argv)
    with open(args.file, encoding="utf-8") as handle:
        problems = verify(handle.read(), args.commitment, args.receipt)
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print("OK: the ballots match the commitment"
              + (" and include your receipt" if args.receipt else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
