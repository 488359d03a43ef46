/// The embedded default configuration: a copy of `Config/gateway.yaml` (a test keeps them identical).
enum EmbeddedConfiguration {
    /// The YAML text.
    static let yaml = """
    # The embedded default configuration of telemetry-gateway: runs with no external service.
    # Every key and its default is documented in Config/README.md.
    service:
      name: telemetry-gateway

    receivers:
      otlp:
        endpoint: 127.0.0.1:4318          # OTLP/HTTP: POST /v1/traces, /v1/metrics, /v1/logs
        max_body_bytes: 20971520          # 20 MiB, also enforced after decompression

    sampling:
      type: parent_based
      root:
        type: always_on

    batch:
      max_queue_size: 2048
      max_export_batch_size: 512
      schedule_delay: 5s

    metrics:
      interval: 60s

    exporters:
      - type: debug                       # a one-line summary of every batch in the log
        name: debug

    prometheus:
      endpoint: 127.0.0.1:9464            # /metrics: received metrics and the gateway's self-metrics

    self_metrics:
      enabled: true
    """
}
