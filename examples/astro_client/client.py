"""Thin wrapper around the Astro API that our DAGs share.

Platform docs: https://api.astronomer.io/spec/platform/v1beta1
"""
import logging

import requests

from .config import ASTRO_IAM_API, ASTRO_PLATFORM_API, ORG_ID, TIMEOUT

log = logging.getLogger(__name__)

# alerts live under their own base so that the rest can move to v1 first
ALERTS_API = "https://api.astronomer.io/platform/v1beta1"


class AstroClient:
    def __init__(self, token, org_id=ORG_ID):
        self.org_id = org_id
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}"})

    def list_deployments(self, workspace_id=None):
        url = f"{ASTRO_PLATFORM_API}/organizations/{self.org_id}/deployments"
        params = {"workspaceIds": workspace_id} if workspace_id else None
        resp = self.session.get(url, params=params, timeout=TIMEOUT)
        resp.raise_for_status()
        return resp.json()["deployments"]

    def get_deployment(self, deployment_id):
        resp = self.session.get(
            ASTRO_PLATFORM_API + "/organizations/" + self.org_id + "/deployments/" + deployment_id,
            timeout=TIMEOUT,
        )
        resp.raise_for_status()
        return resp.json()

    def hibernate(self, deployment_id, until):
        path = "/organizations/%s/deployments/%s/hibernation-override" % (self.org_id, deployment_id)
        return self.session.post(ASTRO_PLATFORM_API + path, json={"isHibernating": True, "overrideUntil": until})

    def list_tokens(self):
        resp = self.session.get("{}/organizations/{}/tokens".format(ASTRO_IAM_API, self.org_id))
        return resp.json()["tokens"]

    def list_alerts(self):
        # no v1 equivalent yet, see the migration guide
        resp = self.session.get(f"{ALERTS_API}/organizations/{self.org_id}/alerts")
        return resp.json().get("alerts", [])
