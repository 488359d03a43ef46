"""Parses many Prometheus expositions with the official prometheus_client parsers.

Usage: parse_prometheus_many.py < JSON list of {"format": "text"|"openmetrics", "text": "..."}
Prints JSON: a list with, for each exposition, null when it parsed, else the parser's error message.
"""
import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text


def check(entry):
    parse = parse_openmetrics if entry["format"] == "openmetrics" else parse_text
    try:
        for family in parse(entry["text"]):
            list(family.samples)
        return None
    except Exception as error:  # the parser refused the text
        return f"{type(error).__name__}: {error}"


def main():
    json.dump([check(entry) for entry in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
