"""The Spark engine: the same analyses over a :class:`SparkEventLog` (``parcours[spark]``).

Nothing here imports ``pyspark`` until a session or a log is made.
"""

from parcours.engine.spark.eventlog import SparkEventLog
from parcours.engine.spark.session import spark_session

__all__ = ["SparkEventLog", "spark_session"]
