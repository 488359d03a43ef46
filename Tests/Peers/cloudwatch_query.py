"""Reads back what a CloudWatch endpoint (moto_server) stored, through boto3's GetMetricData.

Usage: cloudwatch_query.py ENDPOINT NAMESPACE
Prints JSON: a list of {name, dimensions: {k: v}, sum, sample_count, maximum} over the last 15 minutes.
"""
import datetime
import json
import sys

import boto3


def main():
    endpoint, namespace = sys.argv[1], sys.argv[2]
    client = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id="test", aws_secret_access_key="test")
    now = datetime.datetime.now(datetime.timezone.utc)
    results = []
    for metric in client.list_metrics(Namespace=namespace)["Metrics"]:
        def stat(name):
            response = client.get_metric_data(
                MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": metric, "Period": 60, "Stat": name}}],
                StartTime=now - datetime.timedelta(minutes=15), EndTime=now + datetime.timedelta(minutes=5))
            values = response["MetricDataResults"][0]["Values"]
            return values
        results.append({
            "name": metric["MetricName"],
            "dimensions": {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])},
            "sum": sum(stat("Sum")),
            "sample_count": sum(stat("SampleCount")),
            "maximum": max(stat("Maximum"), default=None),
        })
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
