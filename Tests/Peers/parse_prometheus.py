"""Parses Prometheus exposition text from stdin with the official prometheus_client parsers.

Usage: parse_prometheus.py text|openmetrics
Prints JSON: a list of families, each {name, type, documentation, samples: [{name, labels, value}]}.
Exits non-zero (with the parser's error on stderr) when the text does not parse.
"""
import json
import math
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text


def encode_value(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return value


def main():
    parse = parse_openmetrics if sys.argv[1] == "openmetrics" else parse_text
    families = []
    for family in parse(sys.stdin.read()):
        families.append({
            "name": family.name,
            "type": family.type,
            "documentation": family.documentation,
            "samples": [
                {"name": sample.name, "labels": sample.labels, "value": encode_value(sample.value)}
                for sample in family.samples
            ],
        })
    json.dump(families, sys.stdout)


if __name__ == "__main__":
    main()
