"""A bridge to botocore's own EC2 protocol code, for tests that use a real SDK as the judge.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"parse": [{"model": {...}, "operation": "Name", "response": {"status_code", "headers", "body"}, "errorShape": "X"?}]}
      -> each response parsed by botocore's EC2QueryParser (modeled error fields too)
  {"serialize": [{"model": {...}, "operation": "Name", "params": {...}}]}
      -> each request body as botocore's EC2Serializer writes it
  {"subtrees": [{"xml": "...", "names": ["a", "b"]}]}
      -> for each name, the canonical form of the top-level elements with that name, in order
         (tag without namespace, attributes, stripped text, children), to compare two documents
         where no SDK parser can
Timestamps come back as epoch seconds and blobs as UTF-8 text, as the conformance cases write them.
"""
import base64
import datetime
import json
import sys

from botocore import model as botomodel, parsers, serialize


def service_model(document, operation):
    doc = {
        "metadata": {"protocol": "ec2", "apiVersion": "2020-01-08", "endpointPrefix": "ec2", **document.get("metadata", {})},
        "operations": {operation["name"]: operation},
        "shapes": document["shapes"],
    }
    return botomodel.ServiceModel(doc)


def plain(value):
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def parse(item):
    model = service_model(item["model"], item["operation"])
    op = model.operation_model(item["operation"]["name"])
    parser = parsers.EC2QueryParser(timestamp_parser=parsers.DEFAULT_TIMESTAMP_PARSER)
    response = dict(item["response"])
    response["body"] = response["body"].encode("utf-8")
    parsed = parser.parse(response, op.output_shape)
    if "Error" in parsed and item.get("errorShape"):
        shape = model.shape_for(item["errorShape"])
        modeled = parser.parse(response, shape)
        parsed["Error"].update({k: v for k, v in modeled.items() if k not in ("ResponseMetadata", "Error")})
    meta = parsed.get("ResponseMetadata", {})
    out = plain(parsed)
    out["__requestId"] = meta.get("RequestId")
    return out


def serialize_one(item):
    model = service_model(item["model"], item["operation"])
    op = model.operation_model(item["operation"]["name"])
    request = serialize.EC2Serializer().serialize_to_request(item["params"], op)
    body = request["body"]
    if isinstance(body, dict):
        from urllib.parse import urlencode
        body = urlencode(body)
    return body if isinstance(body, str) else body.decode("utf-8")


def canonical(element):
    tag = element.tag.split("}", 1)[-1]
    return [tag, sorted(element.attrib.items()), (element.text or "").strip(), [canonical(child) for child in element]]


def subtrees(item):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(item["xml"].encode("utf-8"))
    return {name: [canonical(child) for child in root if child.tag.split("}", 1)[-1] == name] for name in item["names"]}


def main():
    request = json.load(sys.stdin)
    if "parse" in request:
        json.dump([parse(item) for item in request["parse"]], sys.stdout)
    elif "subtrees" in request:
        json.dump([subtrees(item) for item in request["subtrees"]], sys.stdout)
    else:
        json.dump([serialize_one(item) for item in request["serialize"]], sys.stdout)


if __name__ == "__main__":
    main()
