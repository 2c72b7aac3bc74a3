#!/usr/bin/env python3
"""Validates the CSAF documents ISSA generates against the OASIS CSAF 2.0 JSON schema (errata 01),
with python3-jsonschema as an independent validator. Also checks that the validator is live: the
OASIS examples pass and a broken copy of a generated document fails.

usage: csaf_json_schema_test.py SAMPLES_BINARY CSAF_DATA_DIR
"""
import copy
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from referencing import Registry, Resource


def main():
    samples_binary, data = sys.argv[1], Path(sys.argv[2])
    schema = json.loads((data / "schema" / "csaf_json_schema.json").read_text())
    resources = []
    for name in ("cvss-v2.0.json", "cvss-v3.0.json", "cvss-v3.1.json"):
        cvss = json.loads((data / "schema" / name).read_text())
        resources.append((f"https://www.first.org/cvss/{name}", Resource.from_contents(cvss)))
    registry = Registry().with_resources(resources)
    validator = jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    def errors(doc):
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(doc)]

    failed = 0
    for example in sorted((data / "examples").glob("*.json")):
        errs = errors(json.loads(example.read_text()))
        if errs:
            print(f"FAIL example {example.name}: {errs[:3]}")
            failed += 1
    out = subprocess.run([samples_binary], check=True, capture_output=True, text=True).stdout
    docs = [json.loads(line) for line in out.splitlines() if line.strip()]
    if len(docs) < 5:
        print(f"FAIL expected 5 generated documents (4 generated, 1 revised), got {len(docs)}")
        failed += 1
    for i, doc in enumerate(docs):
        errs = errors(doc)
        if errs:
            print(f"FAIL generated document {i} ({doc['document']['category']}): {errs[:5]}")
            failed += 1
        else:
            print(f"ok   generated document {i}: {doc['document']['category']}, "
                  f"TLP {doc['document']['distribution']['tlp']['label']}")
    broken = copy.deepcopy(docs[0])
    broken["document"]["distribution"]["tlp"]["label"] = "CLEAR"  # a TLP 2.0 label: not in 2.0
    del broken["document"]["tracking"]["revision_history"]
    if len(errors(broken)) < 2:
        print("FAIL the validator accepted a broken document")
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
