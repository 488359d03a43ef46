/// The embedded default configuration: a copy of `Config/gateway.yaml` (a test keeps them identical).
enum EmbeddedConfiguration {
    /// The YAML text.
    static let yaml = """
    # The embedded default configuration of telemetry-gateway: runs with no external service.
    # The shape is the OpenTelemetry Collector's; every key and its default is in Config/README.md.
    receivers:
      otlp:
        protocols:
          http:
            endpoint: 127.0.0.1:4318          # POST /v1/traces, /v1/metrics, /v1/logs; GET /healthz
            max_request_body_size: 20971520   # 20 MiB, also enforced after decompression
          grpc:
            endpoint: 127.0.0.1:4317          # OTLP/gRPC: the three Export services
            max_recv_msg_size_mib: 20         # the same 20 MiB

    processors:
      memory_limiter:
        check_interval: 1s
        limit_mib: 512                      # everything held at once: bodies, decoded requests, queues
        spike_limit_mib: 128                # refuse new data (429) above 384 MiB
      batch:
        timeout: 1s
        send_batch_size: 8192

    exporters:
      debug:                                # a one-line summary of every batch in the log
        verbosity: basic
      prometheus:
        endpoint: 127.0.0.1:9464            # /metrics: the received metrics, folded

    service:
      pipelines:
        traces:
          receivers: [otlp]
          processors: [memory_limiter, batch]
          exporters: [debug]
        metrics:
          receivers: [otlp]
          processors: [memory_limiter, batch]
          exporters: [debug, prometheus]
        logs:
          receivers: [otlp]
          processors: [memory_limiter, batch]
          exporters: [debug]
      telemetry:
        metrics:
          address: 127.0.0.1:8888           # the gateway's own metrics (telemetry_gateway_*, telemetry_exporter_*)
        logs:
          level: info
    """
}
