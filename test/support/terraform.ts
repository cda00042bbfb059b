// Terraform's AWS provider against a mirrorlite server: the plugin directory the machine provides,
// the provider block that points at the server, and a runner for one working directory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startServerProcess, type ServerProcess } from './server-process.js';

export const PLUGIN_DIR = '/opt/tf-plugins';

/** A skip reason when terraform or the provider is missing, else false. */
export const terraformMissing =
  (spawnSync('terraform', ['version'], { stdio: 'ignore' }).status !== 0 || !existsSync(PLUGIN_DIR)) &&
  `terraform or its AWS provider (${PLUGIN_DIR}) is not installed`;

/**
 * The `terraform` block, an `endpoint` variable and the provider, for one account: as the README
 * writes it, EC2 and STS on the server, so the provider learns the account from GetCallerIdentity.
 */
export function providerFor(account: string): string {
  return `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
variable "endpoint" { type = string }
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "${account}"
  secret_key                  = "secret"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
  }
}
`;
}

export type TerraformVars = Record<string, string | number | boolean | null>;

/** A temporary directory holding `main.tf`, initialised from the plugin directory. */
export class TerraformDir {
  readonly path = mkdtempSync(join(tmpdir(), 'mirrorlite-terraform-'));

  constructor(config: string) {
    writeFileSync(join(this.path, 'main.tf'), config);
  }

  /** Runs one command; variables whose value is null are left unset. */
  run(args: string[], vars: TerraformVars = {}): { status: number | null; output: string } {
    const varArgs = Object.entries(vars)
      .filter(([, value]) => value !== null)
      .flatMap(([name, value]) => ['-var', `${name}=${value}`]);
    const flags = args[0] === 'output' ? ['-no-color'] : ['-input=false', '-no-color', ...varArgs];
    const result = spawnSync('terraform', [...args, ...flags], {
      cwd: this.path,
      encoding: 'utf8',
      env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
  }

  init(): { status: number | null; output: string } {
    return this.run(['init', `-plugin-dir=${PLUGIN_DIR}`]);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/**
 * Registers the file's before/after hooks: a server of its own and a Terraform directory holding
 * `config`. Both exist only while the file's tests run, and not at all when Terraform is missing.
 */
export function terraformAgainstServer(config: string): { server: () => ServerProcess; dir: () => TerraformDir } {
  let server: ServerProcess | undefined;
  let dir: TerraformDir | undefined;
  before(async () => {
    if (terraformMissing) return;
    server = await startServerProcess();
    dir = new TerraformDir(config);
  });
  after(async () => {
    await server?.stop();
    dir?.remove();
  });
  return { server: () => server!, dir: () => dir! };
}
