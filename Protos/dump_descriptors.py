"""Dump the OTLP schema from the `opentelemetry-proto` PyPI package as a FileDescriptorSet.

protobuf-c-compiler 1.4.1 rejects proto3 `optional` fields. Clearing `proto3_optional` turns each
synthetic oneof into an ordinary one-member oneof, which has the identical wire format.
"""
import sys

from google.protobuf import descriptor_pb2
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

MODULES = [common_pb2, resource_pb2, trace_pb2, metrics_pb2, logs_pb2,
           trace_service_pb2, metrics_service_pb2, logs_service_pb2]


def clear_proto3_optional(message):
    for field in message.field:
        field.proto3_optional = False
    for nested in message.nested_type:
        clear_proto3_optional(nested)


def main(output_path):
    descriptor_set = descriptor_pb2.FileDescriptorSet()
    for module in MODULES:
        file_proto = descriptor_pb2.FileDescriptorProto()
        module.DESCRIPTOR.CopyToProto(file_proto)
        for message in file_proto.message_type:
            clear_proto3_optional(message)
        descriptor_set.file.append(file_proto)
    with open(output_path, "wb") as output:
        output.write(descriptor_set.SerializeToString())


if __name__ == "__main__":
    main(sys.argv[1])
