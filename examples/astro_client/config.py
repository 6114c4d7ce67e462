import os

# Astro API endpoints, overridable per environment
ASTRO_PLATFORM_API = os.getenv("ASTRO_PLATFORM_API", "https://api.astronomer.io/platform/v1beta1")
ASTRO_IAM_API = "https://api.astronomer.io/iam/v1beta1"

ORG_ID = os.environ["ASTRO_ORGANIZATION_ID"]
TIMEOUT = 30
