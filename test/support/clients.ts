import { EC2Client } from '@aws-sdk/client-ec2';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The Debian `awscli` package is the AWS CLI v2; the `aws` on PATH (python3's) is the CLI v1. */
export const AWS_CLI_V2 = '/usr/bin/aws';
export const hasCliV2 = existsSync(AWS_CLI_V2);

export interface ClientOptions {
  /** A 12-digit key makes the caller that account (decisions.md). */
  accessKeyId?: string;
  region?: string;
}

export function sdkClient(url: string, options: ClientOptions = {}): EC2Client {
  return new EC2Client({
    endpoint: url,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: options.accessKeyId ?? 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

export interface CliResult {
  status: number;
  json?: unknown;
  stdout: string;
  stderr: string;
}

/** Runs the AWS CLI (v1 by default, v2 with `v2: true`) against the server. */
export function awsCli(url: string, args: string[], options: ClientOptions & { v2?: boolean } = {}): CliResult {
  const command = options.v2 ? AWS_CLI_V2 : 'aws';
  const result = spawnSync(command, ['ec2', ...args, '--endpoint-url', url, '--output', 'json'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: options.accessKeyId ?? 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_DEFAULT_REGION: options.region ?? 'us-east-1',
      AWS_REGION: options.region ?? 'us-east-1',
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
  });
  const out: CliResult = { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  if (result.status === 0 && result.stdout.trim()) out.json = JSON.parse(result.stdout);
  return out;
}

/** Runs a boto3 snippet with `ec2` bound to a client of the server; the snippet prints JSON. */
export function boto3(url: string, script: string, options: ClientOptions = {}): unknown {
  const prelude = [
    'import boto3, json, sys',
    'from botocore.config import Config',
    `ec2 = boto3.client('ec2', endpoint_url=${JSON.stringify(url)}, region_name=${JSON.stringify(options.region ?? 'us-east-1')},`,
    `    aws_access_key_id=${JSON.stringify(options.accessKeyId ?? 'AKIDEXAMPLE')}, aws_secret_access_key='secret',`,
    "    config=Config(retries={'max_attempts': 1}))",
  ].join('\n');
  const result = spawnSync('python3', ['-c', `${prelude}\n${script}`], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`boto3 script failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
