"""Just enough of Airflow for a DAG file to import (see tests/sound/standins/README.md)."""
