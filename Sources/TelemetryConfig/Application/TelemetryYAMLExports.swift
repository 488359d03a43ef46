// `ConfigError` and `ConfigLocation` moved to the YAML toolkit; `import TelemetryConfig` keeps showing them.
@_exported import TelemetryYAML
