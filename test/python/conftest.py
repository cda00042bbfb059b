"""boto3 suites against the real mirrorlite server (the built dist/, started once per session on a
free port). Each test gets its own account (a fresh 12-digit access key), so tests never see each
other's resources and need no reset."""
import itertools
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "dist" / "mirrorlite.mjs"  # the bundled command, as `npm start` runs it
_accounts = itertools.count(100000000000 + os.getpid() % 1000 * 1000000)


class Server:
    def __init__(self, *args):
        self.process = subprocess.Popen(
            ["node", str(CLI), "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.logs = []
        deadline = time.time() + 15
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("server exited: " + self.process.stderr.read())
            entry = json.loads(line)
            self.logs.append(entry)
            if entry.get("msg") == "listening":
                self.url = entry["url"]
                break
            if time.time() > deadline:
                raise RuntimeError("server did not start")
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stdout:
            try:
                self.logs.append(json.loads(line))
            except ValueError:
                pass

    def client(self, account=None, region="us-east-1"):
        key = account or str(next(_accounts))
        return boto3.client(
            "ec2", endpoint_url=self.url, region_name=region,
            aws_access_key_id=key, aws_secret_access_key="secret",
            config=Config(retries={"max_attempts": 1}),
        )

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def account():
    return str(next(_accounts))


@pytest.fixture
def ec2(server, account):
    """A boto3 EC2 client of a fresh account."""
    return server.client(account)


@pytest.fixture
def make_server():
    """Starts extra servers with their own flags (quotas, data dirs); stops them after the test."""
    started = []

    def make(*args):
        s = Server(*args)
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()
