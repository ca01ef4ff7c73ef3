"""What operators see of a running Crossdock: request ids, structured logs and metrics."""
