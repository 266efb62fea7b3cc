"""Beyond one machine: zero-shot classification of a Dask DataFrame.

- :func:`score_dataframe` (``_dask``) and the worker plugin that loads the
  model once per worker, :class:`StatementModelPlugin` (``_dask_plugin``).

Multi-process training is :class:`sklearn_statement.training.AcceleratedStatementTuner`.
"""

from ._dask import score_dataframe

__all__ = ["score_dataframe"]
