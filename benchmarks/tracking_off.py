"""Imported into benchmark worker processes after set-up
(``dramatiq crossdock.worker_main:setup benchmarks.tracking_off``): no consumer marks."""

from benchmarks.tracking_switch import disable

disable()
