"""`DAG` as a context manager and `Variable.get` with its default."""


class DAG:
    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


class Variable:
    @staticmethod
    def get(key, default_var=None, **kwargs):
        return default_var
