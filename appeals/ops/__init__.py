"""Operations: the health checks and the Prometheus metrics (for the load balancer, the
process supervisor and the monitoring)."""
