from datetime import datetime, timedelta

import requests
from airflow import DAG
from airflow.models import Variable
from airflow.operators.python import PythonOperator

from astro_client import AstroClient
from astro_client.config import ASTRO_PLATFORM_API

ASTRO_TOKEN = Variable.get("astro_api_token")
ORG = Variable.get("astro_org_id")


def hibernate_dev_deployments(**context):
    client = AstroClient(ASTRO_TOKEN, ORG)
    for dep in client.list_deployments():
        if dep["name"].startswith("dev-"):
            client.hibernate(dep["id"], (datetime.utcnow() + timedelta(hours=12)).isoformat() + "Z")


def report_clusters(**context):
    r = requests.get(
        f"{ASTRO_PLATFORM_API}/organizations/{ORG}/clusters",
        headers={"Authorization": "Bearer " + ASTRO_TOKEN},
    )
    for c in r.json()["clusters"]:
        print(c["name"], c["status"])


def check_notification_channels(**context):
    url = ("https://api.astronomer.io/platform/v1beta1"
           f"/organizations/{ORG}/notification-channels")
    print(requests.get(url, headers={"Authorization": f"Bearer {ASTRO_TOKEN}"}).json())


with DAG(
    dag_id="astro_housekeeping",
    start_date=datetime(2024, 5, 1),
    schedule="0 19 * * 1-5",
    catchup=False,
    tags=["platform"],
) as dag:
    PythonOperator(task_id="hibernate_dev", python_callable=hibernate_dev_deployments)
    PythonOperator(task_id="report_clusters", python_callable=report_clusters)
    PythonOperator(task_id="check_channels", python_callable=check_notification_channels)
