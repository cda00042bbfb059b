"""Small helpers shared by the boto3 suites."""
import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    """Calls and returns (code, message, HTTP status) of the ClientError it must raise."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def assert_error(code, call, *args, status=400, message=None, **kwargs):
    got_code, got_message, got_status = error_of(call, *args, **kwargs)
    assert (got_code, got_status) == (code, status), got_message
    if message is not None:
        assert message in got_message, got_message
    return got_message


def paginate_all(call, key, **kwargs):
    """Every item across pages, following NextToken by hand; also returns the page sizes."""
    items, sizes, token = [], [], None
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        items += page[key]
        sizes.append(len(page[key]))
        token = page.get("NextToken")
        if not token:
            return items, sizes
