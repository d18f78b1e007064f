"""Every RPC of the four APIs, called with random and extreme values built from the protobuf
descriptors (huge, negative and maximal numbers, 100 KB strings, NUL and control characters,
dates of year 1 and 9999, huge repeated fields within a sane total size), with a valid token
of a role allowed for the method: the services never answer INTERNAL or UNKNOWN, and an
error's message and trailing metadata stay under 16 KB. Derandomized, so CI replays the
same examples."""

from __future__ import annotations

import uuid

import grpc
import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vigie.compliance.v1 import compliance_pb2
from vigie.contracts.v1 import contracts_pb2
from vigie.labels.v1 import labels_pb2
from vigie.notices.v1 import notices_pb2

from services.common import identity
from services.compliance.monitor import api as compliance_api
from services.contracts import api as contracts_api
from services.labels import api as labels_api
from services.notices import api as notices_api

pytestmark = pytest.mark.integration

METADATA_LIMIT = 16 * 1024
EXAMPLES = 30
# A repeated field is sometimes this long (of small items): far beyond any rule's max_items.
HUGE_REPEAT = 5_000
HUGE_TEXT = "x" * 100_000
MAX_DEPTH = 4
NEVER = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}

# service full name -> (its methods' roles, the fixture of the process serving it)
SERVICES = {
    labels_pb2.DESCRIPTOR.services_by_name["LabelRegistry"]: (labels_api.ROLES, "labels_service"),
    contracts_pb2.DESCRIPTOR.services_by_name["TenderService"]: (
        contracts_api.TENDER_ROLES,
        "contracts_service",
    ),
    contracts_pb2.DESCRIPTOR.services_by_name["ContractService"]: (
        contracts_api.CONTRACT_ROLES,
        "contracts_service",
    ),
    notices_pb2.DESCRIPTOR.services_by_name["NoticeService"]: (
        notices_api.ROLES,
        "notices_service",
    ),
    compliance_pb2.DESCRIPTOR.services_by_name["ComplianceMonitor"]: (
        compliance_api.ROLES,
        "compliance_service",
    ),
}
METHODS = [(service, method) for service in SERVICES for method in service.methods]
ORGANISATIONS = {
    identity.Role.CENTRE: "ctr-fuzz",
    identity.Role.ORDERING_PARTY: "op-fuzz",
    identity.Role.COMMITTEE: "committee",
    identity.Role.OPS: "ops",
}

# Values that look right, so that some calls get past the field rules to the use cases.
PLAUSIBLE_TEXT = ["", "ctr-fuzz", "op-fuzz", "FR", "HR-1", "roubaix", str(uuid.UUID(int=7))]
NASTY_TEXT = ["\x00", "a\x00b", "\x1b[2J\x1b[31m", "\r\n", "\u0085", "\ufeff", "é" * 300]
INTEGERS = {
    FieldDescriptor.TYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_FIXED32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SINT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT64: (0, 2**64 - 1),
    FieldDescriptor.TYPE_FIXED64: (0, 2**64 - 1),
}
# Seconds of 0001-01-01, 1900-01-01, 2026-12-01, 9999-12-31 and beyond what dates can hold.
SECONDS = [-62135596800, -2208988800, 0, 1796083200, 253402300799, 2**63 - 1, -(2**63)]


def integers(low: int, high: int) -> st.SearchStrategy[int]:
    extremes = st.sampled_from(sorted({low, high, 0, 1, -1 if low < 0 else 2, high // 2 + 1}))
    return st.one_of(extremes, st.integers(low, high))


def text(small: bool) -> st.SearchStrategy[str]:
    choices = [
        st.sampled_from(PLAUSIBLE_TEXT + NASTY_TEXT),
        st.text(max_size=40),
        st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=5),
    ]
    return st.one_of(*choices, *([] if small else [st.just(HUGE_TEXT)]))


def scalar(field: FieldDescriptor, small: bool) -> st.SearchStrategy:
    if field.type in INTEGERS:
        return integers(*INTEGERS[field.type])
    if field.type == FieldDescriptor.TYPE_STRING:
        return text(small)
    if field.type == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if field.type == FieldDescriptor.TYPE_ENUM:
        return st.sampled_from([v.number for v in field.enum_type.values] + [99, -1])
    if field.type == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=64)
    return st.floats(allow_nan=True)


def special(descriptor: Descriptor) -> st.SearchStrategy[Message] | None:
    """Dates and instants at the edges of what they can hold."""
    cls = GetMessageClass(descriptor)
    if descriptor.full_name == "google.type.Date":
        return st.builds(
            cls,
            year=st.sampled_from([0, 1, 1900, 1999, 2000, 2026, 2100, 2101, 9999, 10000]),
            month=st.sampled_from([0, 1, 2, 12, 13]),
            day=st.sampled_from([0, 1, 29, 31, 32]),
        )
    if descriptor.full_name == "google.protobuf.Timestamp":
        nanos = st.sampled_from([0, 999_999_999, 1_000_000_000, -1])
        return st.builds(cls, seconds=st.sampled_from(SECONDS), nanos=nanos)
    return None


def messages(descriptor: Descriptor, depth: int = 0, small: bool = False) -> st.SearchStrategy:
    known = special(descriptor)
    if known is not None:
        return known
    cls = GetMessageClass(descriptor)
    if depth >= MAX_DEPTH:
        return st.builds(cls)
    fields = {f.name: field_values(f, depth, small) for f in descriptor.fields}
    return st.fixed_dictionaries({}, optional=fields).map(lambda values: filled(cls, values))


def field_values(field: FieldDescriptor, depth: int, small: bool) -> st.SearchStrategy:
    def item(small_item: bool) -> st.SearchStrategy:
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            return messages(field.message_type, depth + 1, small_item)
        return scalar(field, small_item)

    if not field.is_repeated:
        return item(small)
    few = st.lists(item(small), max_size=3)
    if small:
        return few
    # Many copies of one small item: a huge repeated field of a bounded total size.
    return st.one_of(few, item(True).map(lambda one: [one] * HUGE_REPEAT))


def filled(cls: type[Message], values: dict) -> Message:
    message = cls()
    for name, value in values.items():
        field = cls.DESCRIPTOR.fields_by_name[name]
        if field.is_repeated:
            getattr(message, name).extend(value)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            getattr(message, name).CopyFrom(value)
        else:
            setattr(message, name, value)
    return message


def error_size(error: grpc.RpcError) -> int:
    trailers = error.trailing_metadata() or ()
    return len((error.details() or "").encode()) + sum(len(k) + len(v) for k, v in trailers)


def call(
    channel: grpc.Channel, method: MethodDescriptor, requests: list[Message], metadata
) -> grpc.StatusCode:
    """One call of any shape; a stream is read for a moment, then cancelled."""
    path = f"/{method.containing_service.full_name}/{method.name}"
    output = GetMessageClass(method.output_type)
    kinds = {
        (False, False): channel.unary_unary,
        (False, True): channel.unary_stream,
        (True, False): channel.stream_unary,
        (True, True): channel.stream_stream,
    }
    stub = kinds[(method.client_streaming, method.server_streaming)](
        path,
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=output.FromString,
    )
    request = iter(requests) if method.client_streaming else requests[0]
    try:
        if method.server_streaming:
            responses = stub(request, metadata=metadata, timeout=3)
            try:
                next(responses, None)
            finally:
                responses.cancel()
        else:
            stub(request, metadata=metadata, timeout=30)
    except grpc.RpcError as error:
        assert error.code() not in NEVER, (method.name, error.code(), error.details())
        assert error_size(error) < METADATA_LIMIT, (method.name, error_size(error))
        return error.code()
    return grpc.StatusCode.OK


@pytest.mark.parametrize("service, method", METHODS, ids=[f"{s.name}.{m.name}" for s, m in METHODS])
def test_no_input_makes_an_rpc_fail_internally(service, method, request, token):
    roles, fixture = SERVICES[service]
    address = request.getfixturevalue(fixture).address
    role = roles[method.name][0]
    metadata = token(role, ORGANISATIONS[role])
    chunks = st.lists(messages(method.input_type), min_size=1, max_size=2)
    requests = chunks if method.client_streaming else messages(method.input_type).map(lambda m: [m])

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(requests)
    def calls_never_fail_internally(sent: list[Message]) -> None:
        call(channel, method, sent, metadata)

    with grpc.insecure_channel(address) as channel:
        calls_never_fail_internally()
