"""How well the bot understands first messages: category top-1/top-3 per category, emergency
recall and false alarms, and time per message, on the labelled sets in tests/data/.

Those sets were written apart from the training examples (data/intake/examples/) and are never
trained on: intake_eval.jsonl while the understanding was built (its misses were looked at),
intake_eval_blind.jsonl after it was finished, measured once before any change.
`--cv K` also prints a K-fold cross-validation on the training examples.
Run: python bench/intake.py [--cv 5] [--show-errors] [FILE ...]
"""
import argparse
import collections
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zalo_oa.intake import understanding  # noqa: E402
from zalo_oa.intake.understanding import category, data, message  # noqa: E402

SETS = [ROOT / "tests" / "data" / name for name in ("intake_eval.jsonl",
                                                     "intake_eval_blind.jsonl")]


def load(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def evaluate(path, show_errors=False):
    items = load(path)
    started = time.perf_counter()
    category.model()
    trained = time.perf_counter() - started
    per = collections.defaultdict(lambda: [0, 0, 0])  # count, top-1, top-3
    alarms = hits = emergencies = routine = 0
    timings, errors = [], []
    for item in items:
        started = time.perf_counter()
        reading = understanding.understand(item["text"])
        timings.append(time.perf_counter() - started)
        ranked = [slug for slug, _ in reading.guess.ranked]
        if item["emergency"]:
            emergencies += 1
            hits += reading.emergency is not None
            if reading.emergency is None:
                errors.append(("missed emergency", item, ranked[:3]))
            continue
        routine += 1
        if reading.emergency is not None:
            alarms += 1
            errors.append(("false alarm " + "+".join(reading.emergency.kinds), item, ranked[:3]))
        row = per[item["category"]]
        row[0] += 1
        row[1] += ranked[0] == item["category"]
        row[2] += item["category"] in ranked[:3]
        if ranked[0] != item["category"]:
            errors.append(("category", item, ranked[:3]))
    print(f"evaluation set: {path.relative_to(ROOT)} ({len(items)} messages: {routine} "
          f"routine, {emergencies} emergencies); model trained in {trained:.1f} s "
          f"on {category.model().examples} examples")
    print(f"{'category':<18}{'n':>4}{'top-1':>8}{'top-3':>8}")
    for slug in sorted(per):
        count, one, three = per[slug]
        print(f"{slug:<18}{count:>4}{one / count:>8.2f}{three / count:>8.2f}")
    count = sum(r[0] for r in per.values())
    print(f"{'all routine':<18}{count:>4}{sum(r[1] for r in per.values()) / count:>8.3f}"
          f"{sum(r[2] for r in per.values()) / count:>8.3f}")
    print(f"emergency recall: {hits}/{emergencies} = {hits / max(emergencies, 1):.3f}; "
          f"false alarms: {alarms}/{routine} = {alarms / max(routine, 1):.3%}")
    timings.sort()
    print(f"time per message: mean {1000 * sum(timings) / len(timings):.2f} ms, median "
          f"{1000 * timings[len(timings) // 2]:.2f} ms, slowest "
          f"{1000 * timings[-1]:.2f} ms")
    if show_errors:
        for kind, item, ranked in errors:
            print(f"  {kind}: {item['text']!r} expected {item['category']}, got {ranked}")


def cross_validate(folds):
    examples = list(data.examples())
    random.Random(1).shuffle(examples)
    one = three = 0
    for fold in range(folds):
        test = examples[fold::folds]
        model = category.Model([e for i, e in enumerate(examples) if i % folds != fold])
        for text, slug in test:
            ranked = [s for s, _ in model.rank(message.read(text)).ranked]
            one += ranked[0] == slug
            three += slug in ranked[:3]
    print(f"{folds}-fold cross-validation on {len(examples)} training examples: "
          f"top-1 {one / len(examples):.3f}, top-3 {three / len(examples):.3f}")
    found = sum(1 for text, _ in data.emergency_examples()
                if understanding.understand(text).emergency is not None)
    print(f"emergency examples recognised: {found}/{len(data.emergency_examples())}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=0)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("files", nargs="*", type=Path, default=SETS)
    args = parser.parse_args(argv)
    for path in args.files:
        evaluate(path.resolve(), args.show_errors)
        print()
    if args.cv:
        cross_validate(args.cv)


if __name__ == "__main__":
    main()
