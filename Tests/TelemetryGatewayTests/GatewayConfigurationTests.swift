import Foundation
import TelemetryConfig
import TelemetryGatewayCore
import TelemetryTestSupport
import Testing

/// The Collector-shaped configuration: shipped files, located errors, pipeline validation.
@Suite("Gateway configuration")
struct GatewayConfigurationTests {
    private func failure(_ yaml: String) -> ConfigError? {
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: "g.yaml", environment: ["DD_API_KEY": "k", "GATEWAY_TOKEN": "t"])
            return nil
        } catch {
            return error
        }
    }

    @Test("The embedded default and every gateway example parse", arguments: [
        "gateway.yaml", "examples/gateway-collector-upstream.yaml", "examples/gateway-all-backends.yaml",
        "examples/gateway-rules-sampling.yaml", "examples/gateway-disk-queue.yaml", "examples/tail-sampling.yaml",
        "examples/tail-sampling-two-tier.yaml", "examples/edit-and-redact.yaml", "examples/tenants.yaml",
    ])
    func shippedFiles(file: String) throws {
        let path = TestPeers.packageRoot.appendingPathComponent("Config/\(file)").path
        let configuration = try GatewayConfiguration.load(path: path, environment: ["DD_API_KEY": "key", "GATEWAY_TOKEN": "t"])
        #expect(!configuration.pipelines.isEmpty && configuration.warnings.isEmpty)
    }

    @Test("Pipelines: unknown ids, wrong signals, duplicates and missing stages are located errors; unused components warn")
    func pipelineValidation() throws {
        let base = """
            receivers:
              otlp:
            processors:
              probabilistic_sampler: {sampling_percentage: 10}
            exporters:
              debug:
              prometheus: {endpoint: "127.0.0.1:9464"}
            service:
              pipelines:

            """
        let unknown = try #require(failure(base + "    traces: {receivers: [otlp], exporters: [otlp/upstream]}\n"))
        #expect(unknown.line == 10 && unknown.message.contains("exporter \"otlp/upstream\" is not defined"), "\(unknown)")
        let wrongSignal = try #require(failure(base + "    traces: {receivers: [otlp], exporters: [prometheus]}\n"))
        #expect(wrongSignal.message == "prometheus cannot be used in a traces pipeline")
        let samplerInMetrics = try #require(failure(base + "    metrics: {receivers: [otlp], processors: [probabilistic_sampler], exporters: [debug]}\n"))
        #expect(samplerInMetrics.message.contains("cannot be used in a metrics pipeline"))
        let twice = try #require(failure(base + "    traces: {receivers: [otlp], exporters: [debug, debug]}\n"))
        #expect(twice.message.contains("listed twice"))
        let noExporter = try #require(failure(base + "    traces: {receivers: [otlp]}\n"))
        #expect(noExporter.message.contains("needs at least one exporter"))
        let badSignal = try #require(failure(base + "    spans: {receivers: [otlp], exporters: [debug]}\n"))
        #expect(badSignal.message.contains("traces, metrics or logs"))
        let valid = try GatewayConfiguration.parse(
            yaml: base + "    traces: {receivers: [otlp], exporters: [debug]}\n    metrics/2: {receivers: [otlp], exporters: [debug, prometheus]}\n",
            environment: [:])
        #expect(valid.warnings.map(\.message) == ["processor probabilistic_sampler is defined but used by no pipeline"])
        #expect(valid.graph == "traces: otlp → debug\nmetrics/2: otlp → debug, prometheus")
    }

    @Test("Component sections: Collector keys where they exist, located errors for what is not supported")
    func componentSections() throws {
        let hashSeed = try #require(failure("processors:\n  probabilistic_sampler: {sampling_percentage: 5, hash_seed: 22}\n"))
        #expect(hashSeed.path == "processors.probabilistic_sampler.hash_seed" && hashSeed.message.contains("OTEP 235"))
        let queueSize = try #require(failure("exporters:\n  otlphttp:\n    endpoint: http://x:4318\n    sending_queue: {queue_size: 1000}\n"))
        #expect(queueSize.line == 4 && queueSize.message.contains("max_bytes"))
        let spike = try #require(failure("processors:\n  memory_limiter: {limit_mib: 100, spike_limit_mib: 200}\n"))
        #expect(spike.path == "processors.memory_limiter.spike_limit_mib")
        let emptyKey = try #require(failure("exporters:\n  datadog:\n    api: {key: \"  \"}\n"))
        #expect(emptyKey.path == "exporters.datadog.api.key" && emptyKey.message.contains("must not be empty"))
        let extensions = try #require(failure("extensions:\n  health_check:\n"))
        #expect(extensions.path == "extensions.health_check" && extensions.message.contains("unknown extension type \"health_check\""), "\(extensions)")
        let grpc = try #require(failure("receivers:\n  otlp:\n    protocols:\n      grpc: {tls: {cert_file: c.pem}}\n"))
        #expect(grpc.path == "receivers.otlp.protocols.grpc.tls.cert_file" && grpc.message.contains("cannot read"), "\(grpc)")
        let batch = try #require(failure("processors:\n  batch: {send_batch_size: 100, send_batch_max_size: 10}\n"))
        #expect(batch.path == "processors.batch.send_batch_max_size")
    }

    @Test("otlp protocol: grpc takes host:port or a URL and tls keys; misuse is a located error")
    func grpcExporterKeys() throws {
        let exporter = { (body: String) in
            "exporters:\n  otlp:\n\(body)receivers: {otlp: {protocols: {http: {}}}}\nservice: {pipelines: {traces: {receivers: [otlp], exporters: [otlp]}}}\n"
        }
        for endpoint in ["collector:4317", "http://10.0.0.1:4317", "https://collector.example:443/", "[::1]:4317"] {
            #expect(failure(exporter("    protocol: grpc\n    endpoint: \"\(endpoint)\"\n    tls: {insecure: true}\n")) == nil, "\(endpoint)")
        }
        for endpoint in ["collector", "collector:0", "collector:99999", ":4317", "http://a/b:4317"] {
            let bad = try #require(failure(exporter("    protocol: grpc\n    endpoint: \"\(endpoint)\"\n")), "\(endpoint)")
            #expect(bad.path == "exporters.otlp.endpoint" && bad.line == 4 && bad.message.contains("host:port"), "\(bad)")
        }
        let proto = try #require(failure(exporter("    protocol: thrift\n    endpoint: http://x:4318\n")))
        #expect(proto.path == "exporters.otlp.protocol" && proto.message.contains("grpc"))
        let insecureHTTP = try #require(failure(exporter("    endpoint: http://x:4318\n    tls: {insecure: true}\n")))
        #expect(insecureHTTP.path == "exporters.otlp.tls.insecure" && insecureHTTP.message.contains("scheme"), "\(insecureHTTP)")
        let unreadable = try #require(failure(exporter("    endpoint: https://x:4318\n    tls: {ca_file: /nonexistent/ca.pem}\n")))
        #expect(unreadable.path == "exporters.otlp.tls.ca_file" && unreadable.message.contains("cannot read"))
        let injected = try #require(failure(exporter("    endpoint: http://x:4318\n    headers: {X-Tenant: \"a\\r\\nX-Admin: 1\"}\n")))
        #expect(injected.path == "exporters.otlp.headers" && injected.message.contains("control character"), "\(injected)")
        let badName = try #require(failure(exporter("    endpoint: http://x:4318\n    headers: {\"X Tenant\": a}\n")))
        #expect(badName.message.contains("not an HTTP token"), "\(badName)")
        let reserved = try #require(failure(exporter("    protocol: grpc\n    endpoint: x:4317\n    headers: {grpc-timeout: 1S}\n")))
        #expect(reserved.message.contains("reserved"), "\(reserved)")
        let halfPair = try #require(failure(exporter("    endpoint: https://x:4318\n    tls: {cert_file: /dev/null}\n")))
        #expect(halfPair.path == "exporters.otlp.tls" && halfPair.message.contains("both cert_file and key_file"), "\(halfPair)")
        #expect(failure(exporter("    endpoint: http://x:4318\n    compression_level: 12\n")) == nil)
        let level = try #require(failure(exporter("    endpoint: http://x:4318\n    compression_level: 13\n")))
        #expect(level.path == "exporters.otlp.compression_level" && level.line == 4, "\(level)")
        let grpcLevel = try #require(failure(exporter("    protocol: grpc\n    endpoint: x:4317\n    compression_level: 9\n")))
        #expect(grpcLevel.path == "exporters.otlp.compression_level" && grpcLevel.message.contains("OTLP/HTTP"), "\(grpcLevel)")
    }

    @Test("sending_queue storage: disk parses with every key; a missing directory, a bad choice or a disk key on a memory queue is a located error")
    func diskQueueKeys() throws {
        let exporter = { (queue: String) in "exporters:\n  otlp:\n    endpoint: http://127.0.0.1:4318\n    sending_queue:\n\(queue)" }
        #expect(failure(exporter("""
                  storage: disk
                  directory: /var/lib/telemetry-gateway/queue
                  max_bytes: 1073741824
                  fsync: interval
                  fsync_interval: 200ms
                  when_full: drop_oldest
                  segment_bytes: 8388608
            receivers: {otlp: {protocols: {http: {endpoint: 127.0.0.1:4318}}}}
            service: {pipelines: {traces: {receivers: [otlp], exporters: [otlp]}}}

            """)) == nil)
        let noDirectory = try #require(failure(exporter("      storage: disk\n      fsync: always\n")))
        #expect(noDirectory.file == "g.yaml" && noDirectory.line == 5 && noDirectory.message.contains("directory"), "\(noDirectory)")
        let badFsync = try #require(failure(exporter("      storage: disk\n      directory: /q\n      fsync: sometimes\n")))
        #expect(badFsync.path == "exporters.otlp.sending_queue.fsync" && badFsync.line == 7 && badFsync.message.contains("always"), "\(badFsync)")
        let badPolicy = try #require(failure(exporter("      storage: disk\n      directory: /q\n      when_full: drop_all\n")))
        #expect(badPolicy.path == "exporters.otlp.sending_queue.when_full" && badPolicy.message.contains("drop_oldest"), "\(badPolicy)")
        let memoryWithFsync = try #require(failure(exporter("      max_bytes: 1048576\n      fsync: always\n")))
        #expect(memoryWithFsync.path == "exporters.otlp.sending_queue.fsync" && memoryWithFsync.message.contains("storage: disk"), "\(memoryWithFsync)")
        let badStorage = try #require(failure(exporter("      storage: s3\n")))
        #expect(badStorage.path == "exporters.otlp.sending_queue.storage" && badStorage.line == 5, "\(badStorage)")
        let tinySegment = try #require(failure(exporter("      storage: disk\n      directory: /q\n      segment_bytes: 10\n")))
        #expect(tinySegment.path == "exporters.otlp.sending_queue.segment_bytes", "\(tinySegment)")
    }

    @Test("An empty component section is an error at that section's file:line:column", arguments: [
        ("exporters", "otlp", "give an endpoint"), ("exporters", "prometheus", "give an endpoint"),
        ("exporters", "statsd", "give an endpoint"), ("exporters", "cloudwatch", "give namespace and region"),
        ("exporters", "datadog", "give api.key"), ("exporters", "loadbalancing", "give a resolver"),
        ("processors", "memory_limiter", "give limit_mib"), ("processors", "probabilistic_sampler", "give sampling_percentage"),
        ("processors", "sampler", "give a sampler type"), ("processors", "tail_sampling", "give policies"),
    ])
    func emptySection(section: String, id: String, message: String) throws {
        let block = try #require(failure("\(section):\n  \(id):\n"))
        #expect(block.file == "g.yaml" && block.path == "\(section).\(id)" && block.message == message, "\(block)")
        #expect(block.line == 2 && block.column == id.count + 4, "\(block)")
        let flow = try #require(failure("# \(id)\n\(section): {\(id): }\n"))
        #expect(flow.file == "g.yaml" && flow.path == "\(section).\(id)" && flow.message == message, "\(flow)")
        #expect(flow.line == 2 && flow.column == section.count + id.count + 6, "\(flow)")
    }

    @Test("Shared blocks: both formats read endpoint, headers, retry_on_failure and max_datagram_bytes alike, with the same errors and limits")
    func sharedBlocksInBothFormats() throws {
        func application(_ exporter: String) -> ConfigError? {
            do {
                _ = try TelemetryConfiguration.parse(yaml: "exporters:\n  - \(exporter)\n", file: "app.yaml", environment: [:])
                return nil
            } catch {
                return error
            }
        }
        func gateway(_ id: String, _ body: String) -> ConfigError? {
            failure("""
                exporters:
                  \(id): \(body)
                receivers: {otlp: {protocols: {http: {endpoint: 127.0.0.1:4318}}}}
                service: {pipelines: {metrics: {receivers: [otlp], exporters: [\(id)]}}}

                """)
        }
        let cases: [(application: String, gateway: (String, String))] = [
            ("{type: statsd, endpoint: localhost}", ("statsd", "{endpoint: localhost}")),
            ("{type: statsd, endpoint: \"127.0.0.1:8125\", max_datagram_bytes: 65508}",
             ("statsd", "{endpoint: \"127.0.0.1:8125\", max_datagram_bytes: 65508}")),
            ("{type: statsd, endpoint: \"127.0.0.1:8125\", max_datagram_bytes: 63}",
             ("statsd", "{endpoint: \"127.0.0.1:8125\", max_datagram_bytes: 63}")),
            ("{type: otlp, endpoint: \"http://x:4318\", headers: {X-Tenant: \"a\\r\\nX-Admin: 1\"}}",
             ("otlphttp", "{endpoint: \"http://x:4318\", headers: {X-Tenant: \"a\\r\\nX-Admin: 1\"}}")),
            ("{type: otlp, endpoint: \"http://x:4318\", headers: {\"X Tenant\": a}}",
             ("otlphttp", "{endpoint: \"http://x:4318\", headers: {\"X Tenant\": a}}")),
            ("{type: otlp, endpoint: \"http://x:4318\", retry_on_failure: {multiplier: 11}}",
             ("otlphttp", "{endpoint: \"http://x:4318\", retry_on_failure: {multiplier: 11}}")),
            ("{type: otlp, endpoint: \"http://x:4318\", retry_on_failure: {max_attempts: 3}}",
             ("otlphttp", "{endpoint: \"http://x:4318\", retry_on_failure: {max_attempts: 3}}")),
            ("{type: otlp, endpoint: \"ftp://x\"}", ("otlphttp", "{endpoint: \"ftp://x\"}")),
            ("{type: datadog, api: {key: k}, metrics: {endpoint: x}}", ("datadog", "{api: {key: k}, metrics: {endpoint: x}}")),
        ]
        for (appExporter, (id, body)) in cases {
            let fromApplication = try #require(application(appExporter), "\(appExporter)")
            let fromGateway = try #require(gateway(id, body), "\(body)")
            #expect(fromApplication.message == fromGateway.message, "\(fromApplication) vs \(fromGateway)")
            #expect(fromApplication.path.split(separator: ".").last == fromGateway.path.split(separator: ".").last)
            #expect(fromApplication.line == 2 && fromGateway.line == 2)
        }
        #expect(application("{type: statsd, endpoint: \"127.0.0.1:8125\", max_datagram_bytes: 65507}") == nil)
        #expect(gateway("statsd", "{endpoint: \"127.0.0.1:8125\", max_datagram_bytes: 65507}") == nil)
    }
}
