"""`PythonOperator`: keeps its callable; the test calls the callable itself."""


class PythonOperator:
    def __init__(self, task_id, python_callable, op_kwargs=None, **kwargs):
        self.task_id = task_id
        self.python_callable = python_callable
        self.op_kwargs = op_kwargs or {}

    def __rshift__(self, other):
        return other
