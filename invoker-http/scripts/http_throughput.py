"""Invocations per second over HTTP, through the AWS SDK's path (boto3), against one or more
local Lambda endpoints, measured in turns so that a busy machine weighs on each alike.

    python3 invoker-http/scripts/http_throughput.py 300 \
        serve=http://127.0.0.1:9001/real watch=http://127.0.0.1:9000/_

Each argument after the count is label=endpoint/function. Each turn invokes every endpoint's
function `count` times in a row, synchronously, with a small JSON event; the figures are the
best turn of three, in invocations per second. (See "serve" in xtask/README.md.)
"""

import json
import sys
import time

import boto3
from botocore.config import Config


def client(endpoint):
    return boto3.client(
        "lambda",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        config=Config(retries={"max_attempts": 1}),
    )


def main():
    count = int(sys.argv[1])
    targets = []
    for arg in sys.argv[2:]:
        label, url = arg.split("=", 1)
        endpoint, function = url.rsplit("/", 1)
        targets.append((label, client(endpoint), function))
    best = {label: 0.0 for label, _, _ in targets}
    payload = json.dumps({"n": 1}).encode()
    for _ in range(3):
        for label, lambda_client, function in targets:
            started = time.perf_counter()
            for _ in range(count):
                answer = lambda_client.invoke(FunctionName=function, Payload=payload)
                answer["Payload"].read()
                assert answer["StatusCode"] == 200 and "FunctionError" not in answer, answer
            rate = count / (time.perf_counter() - started)
            best[label] = max(best[label], rate)
    for label, rate in best.items():
        print(f"{label}: {rate:.0f} invocations/s")


if __name__ == "__main__":
    main()
