#!/usr/bin/env python3
# build-aux/check-terms must fail on a planted inconsistency and pass the
# same messages once they keep to the term list: the check can fail.
#
# Usage: test-check-terms.py SOURCE-ROOT

import os
import subprocess
import sys

root = sys.argv[1]
check = os.path.join(root, "build-aux", "check-terms")
terms = os.path.join(root, "po", "terms", "fr.txt")
fixtures = os.path.join(root, "tests", "fixtures", "terms")
failures = 0


def run(po):
    return subprocess.run([sys.executable, check, terms, os.path.join(fixtures, po)],
                          capture_output=True, text=True)


def expect(condition, what):
    global failures
    print(("ok - " if condition else "not ok - ") + what)
    failures += not condition


planted = run("planted.po")
print("\n".join("# " + line for line in planted.stdout.splitlines()))
expect(planted.returncode == 1, "the planted catalogue fails")
expect("“replay” in “Play Replay” uses “relecture”" in planted.stdout,
       "replay translated as relecture is found")
expect("“delivered” in “%u strokes delivered” uses “délivr”" in planted.stdout,
       "delivered translated as délivrées is found")
expect("“sample” in “No needle samples yet” is not translated as échantillon" in planted.stdout,
       "sample without its listed word is found")
expect("French spacing: “Arrêt d’urgence : renvoyez" in planted.stdout,
       "a plain space before a colon is found")
expect("Pause Replay" not in planted.stdout, "a fuzzy message is not checked")
expect(len(planted.stdout.splitlines()) == 7, "nothing else is reported")

clean = run("clean.po")
print("\n".join("# " + line for line in clean.stdout.splitlines()))
expect(clean.returncode == 0, "the same messages kept to the list pass")

print(f"1..{8}")
sys.exit(1 if failures else 0)
