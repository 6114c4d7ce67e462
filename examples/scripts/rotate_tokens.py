#!/usr/bin/env python
"""Rotate every organization API token older than 60 days.

usage: ASTRO_API_TOKEN=... python rotate_tokens.py <org-id>
"""
import os
import sys
from datetime import datetime, timezone

import httpx

BASE = "https://api.astronomer.io/iam/v1beta1/"


def main(org_id):
    token = os.environ["ASTRO_API_TOKEN"]
    with httpx.Client(base_url=BASE, headers={"Authorization": "Bearer " + token}) as client:
        tokens = client.get(f"organizations/{org_id}/tokens").json()["tokens"]
        for t in tokens:
            age = datetime.now(timezone.utc) - datetime.fromisoformat(t["createdAt"].replace("Z", "+00:00"))
            if age.days > 60:
                client.post(f"organizations/{org_id}/tokens/{t['id']}/rotate")
                print("rotated", t["name"])
    # kubernetes resources in the same repo are not Astro API calls:
    print("apiVersion: iam.cnrm.cloud.google.com/v1beta1")


if __name__ == "__main__":
    main(sys.argv[1])
