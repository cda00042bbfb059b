"""STS GetCallerIdentity on mirrorlite's endpoint, through boto3 and the AWS CLI v2: the account is
the access key when it is a 12-digit account ID (else the default account), the caller its root
user; other STS actions answer InvalidAction in STS's (awsQuery) error envelope."""
import json
import os
import shutil
import subprocess

import boto3
import pytest
from botocore.config import Config

from helpers import error_of

CLI_V2 = "/usr/bin/aws"


def sts(server, key, region="us-east-1"):
    return boto3.client("sts", endpoint_url=server.url, region_name=region, aws_access_key_id=key,
                        aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))


def identity(client):
    answer = client.get_caller_identity()
    answer.pop("ResponseMetadata")
    return answer


def test_a_12_digit_access_key_is_the_account_and_the_caller_its_root(server, account):
    assert identity(sts(server, account)) == {"UserId": account, "Account": account, "Arn": f"arn:aws:iam::{account}:root"}


def test_any_other_key_is_the_default_account(server):
    assert identity(sts(server, "AKIAIOSFODNN7EXAMPLE"))["Account"] == "000000000000"


def test_the_default_account_is_the_servers(make_server):
    other = make_server("--default-account", "444455556666")
    assert identity(sts(other, "test"))["Arn"] == "arn:aws:iam::444455556666:root"


@pytest.mark.parametrize("region, partition", [("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")])
def test_the_arn_is_in_the_signing_regions_partition(server, account, region, partition):
    assert identity(sts(server, account, region))["Arn"] == f"arn:{partition}:iam::{account}:root"


def test_the_account_is_the_one_ec2_answers_for(server, account):
    ec2 = server.client(account)
    owner = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["OwnerId"]
    assert identity(sts(server, account))["Account"] == owner


def test_other_sts_actions_are_invalid_action(server, account):
    client = sts(server, account)
    code, message, status = error_of(client.get_session_token)
    assert (code, status) == ("InvalidAction", 400)
    assert message == "The action GetSessionToken is not supported by mirrorlite."
    code, _, _ = error_of(client.assume_role, RoleArn=f"arn:aws:iam::{account}:role/x", RoleSessionName="session")
    assert code == "InvalidAction"


@pytest.mark.skipif(not shutil.which(CLI_V2), reason="the AWS CLI v2 (/usr/bin/aws) is not installed")
def test_the_aws_cli_v2(server, account):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PAGER": ""}
    done = subprocess.run([CLI_V2, "sts", "get-caller-identity", "--endpoint-url", server.url, "--output", "json"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"UserId": account, "Account": account, "Arn": f"arn:aws:iam::{account}:root"}
